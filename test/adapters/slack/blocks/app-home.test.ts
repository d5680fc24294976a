/**
 * The App Home builder: a process the map limits to channels says where it works ("Only in <#C…>"),
 * right under its entry; one that works everywhere says nothing; long channel lists are cut.
 */
import type { types } from '@slack/bolt';
import { appHomeView, channelNote } from '../../../../src/adapters/slack/blocks/app-home';
import type { ProcessDef } from '../../../../src/core/types';
import { FAKE_PROCESS } from '../../../fakes/fake-engine';
import { validateView } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

const USER = { id: 'U1', name: 'Ann', tz: 'UTC' };

function limited(channels: string[], title = 'Open an incident'): ProcessDef {
  return { ...FAKE_PROCESS, id: 'open-incident', title, access: { channels } };
}

function textOfBlock(block: types.AnyBlock | undefined): string {
  return JSON.stringify(block ?? null);
}

/** The block right after the section that names `title`. */
function blockAfter(blocks: types.AnyBlock[], title: string): types.AnyBlock | undefined {
  const index = blocks.findIndex((b) => b.type === 'section' && textOfBlock(b).includes(`*${title}*`));
  expect(index).toBeGreaterThanOrEqual(0);
  return blocks[index + 1];
}

describe('channelNote', () => {
  it('names one, two or three channels as Slack channel links', () => {
    expect(channelNote(limited(['C0123ABC']))).toBe('Only in <#C0123ABC>');
    expect(channelNote(limited(['C0123ABC', 'C0456DEF']))).toBe('Only in <#C0123ABC> and <#C0456DEF>');
    expect(channelNote(limited(['C01', 'C02', 'C03']))).toBe('Only in <#C01>, <#C02> and <#C03>');
  });

  it('cuts a long list after five channels with "and N more"', () => {
    const channels = Array.from({ length: 12 }, (_, i) => `C0CHAN${i}`);
    const note = channelNote(limited(channels));
    expect(note).toBe('Only in <#C0CHAN0>, <#C0CHAN1>, <#C0CHAN2>, <#C0CHAN3>, <#C0CHAN4> and 7 more');
  });

  it('says nothing when the process works everywhere (no access, users only, empty channels)', () => {
    expect(channelNote(FAKE_PROCESS)).toBeUndefined();
    expect(channelNote({ ...FAKE_PROCESS, access: { users: ['U1'] } })).toBeUndefined();
    expect(channelNote(limited([]))).toBeUndefined();
  });

  it('never renders something that is not a channel id as mrkdwn', () => {
    expect(channelNote(limited(['C0OK', '<!channel>', 'C1|x>']))).toBe('Only in <#C0OK>');
  });
});

describe('appHomeView', () => {
  it('puts the channel note as a context line right under a channel-limited process only', () => {
    const view = appHomeView({
      user: USER,
      runs: [],
      processes: [FAKE_PROCESS, limited(['C0123ABC', 'C0456DEF'])],
    });
    const note = blockAfter(view.blocks, 'Open an incident');
    expect(note?.type).toBe('context');
    expect(textOfBlock(note)).toContain('Only in <#C0123ABC> and <#C0456DEF>');
    expect(textOfBlock(blockAfter(view.blocks, FAKE_PROCESS.title))).not.toContain('Only in');
    expect(JSON.stringify(view.blocks).match(/Only in/g)).toHaveLength(1);
    expect(validateView(view as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('with many channel-limited processes and runs, keeps the "N more" and help lines within 100 blocks', () => {
    const channels = Array.from({ length: 60 }, (_, i) => `C0CHAN${i}`);
    const processes = Array.from({ length: 45 }, (_, i) => limited(channels, `Process ${i}`));
    const runs = Array.from({ length: 15 }, () => ({ request: buildRequest(), process: FAKE_PROCESS }));
    const view = appHomeView({ user: USER, runs, processes, problem: 'Redis is down' });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(validateView(view as unknown as Record<string, unknown>)).toEqual([]);
    const all = JSON.stringify(view.blocks);
    const shown = view.blocks.filter((b) => b.type === 'section' && /\*Process \d+\*/.test(textOfBlock(b)));
    // Notes take a block each, so fewer than the 40-process cap fit; the rest are counted, not cut.
    expect(shown.length).toBeGreaterThan(30);
    expect(shown.length).toBeLessThan(40);
    expect(all.match(/Only in/g)).toHaveLength(shown.length);
    expect(all).toContain(`${45 - shown.length} more — see`);
    expect(all).toContain('`/flowdesk help` lists the commands.');
    expect(all).toContain('and 55 more');
  });
});
