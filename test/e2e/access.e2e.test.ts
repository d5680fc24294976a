/**
 * Access lists end to end over the real Bolt app: by user (reset-vpn), by user group
 * (purge-cache, members from usergroups.users.list) and by channel (open-incident), on every path —
 * a message (alias and plain words), a button, a modal submit and the slash command. A refusal says
 * so without naming processes the user cannot see; such processes are never suggested or listed.
 * Access is checked again when a button is pressed: a map reloaded in between wins over the card.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION } from '../../src/adapters/slack/action-ids';
import type { RecordedCall } from '../fakes/fake-slack-server';
import { appHomeOpenedEvent, postEvent } from '../helpers/slack-requests';
import {
  ADA,
  ANN,
  BOB,
  buttonValue,
  CAT,
  type Card,
  CHANNEL,
  GROUPS,
  MAPS,
  OPS_ROOM,
  SECRET,
  SlackWorld,
  settle,
  textOf,
} from './slack-world';

const MAP_FILE = 'approvals-access.yaml';
/** Titles of the access-restricted processes: none may leak to someone who cannot use them. */
const RESTRICTED = [
  'Reset VPN profile',
  'Purge the CDN cache',
  'Open an incident',
  'Wipe the analytics database',
];

let world: SlackWorld;
let mapsDir: string;

beforeAll(async () => {
  mapsDir = mkdtempSync(join(tmpdir(), 'flowdesk-access-e2e-'));
  copyFileSync(join(MAPS, MAP_FILE), join(mapsDir, MAP_FILE));
  world = await SlackWorld.start({ file: 'access-e2e', mapsPath: mapsDir });
});

afterAll(async () => {
  await world.stop();
  rmSync(mapsDir, { recursive: true, force: true });
});

beforeEach(() => {
  world.slack.reset();
});

function expectNoRestrictedTitles(call: RecordedCall, except: string[] = []): void {
  const text = textOf(call);
  for (const title of RESTRICTED.filter((t) => !except.includes(t))) expect(text).not.toContain(title);
}

async function denied(text: string, options: { user: string; channel?: string; dm?: boolean }) {
  const { ts } = await world.say(text, options);
  const reply = await world.replyTo(ts);
  expect(buttonValue(reply, ACTION.run)).toBeUndefined();
  return reply;
}

describe('the message path', () => {
  it('by user: the listed user gets a card, anyone else a refusal that names nothing', async () => {
    const card = await world.askForCard('reset vpn for ann@example.com', { user: ANN.id });
    expect(textOf(card.call)).toContain('Reset VPN profile');

    const refusal = await denied('reset vpn for bob@example.com', { user: BOB.id });
    expect(textOf(refusal)).toMatch(/don't have access/);
    expectNoRestrictedTitles(refusal);
    // In plain words, the process is neither picked nor suggested.
    const other = await denied('my vpn keeps disconnecting, please reset my vpn profile', { user: BOB.id });
    expectNoRestrictedTitles(other);
  });

  it('by user group: members (usergroups.users.list) get a card, others a refusal', async () => {
    const card = await world.askForCard('purge cache for payments', { user: CAT.id });
    // CAT is listed nowhere in the map: only the group's members, read from Slack, let him in.
    expect(textOf(card.call)).toContain('Purge the CDN cache');
    expect(GROUPS.ops.members).toEqual([CAT.id]);
    const refusal = await denied('purge cache for payments', { user: BOB.id });
    expect(textOf(refusal)).toMatch(/don't have access/);
    expectNoRestrictedTitles(refusal);
  });

  it('by channel: allowed in the listed channel only, not elsewhere nor in a DM', async () => {
    const card = await world.askForCard('open incident checkout is down', {
      user: ANN.id,
      channel: OPS_ROOM,
    });
    expect(textOf(card.call)).toContain('Open an incident');
    const elsewhere = await denied('open incident checkout is down', { user: ANN.id, channel: CHANNEL });
    expect(textOf(elsewhere)).toMatch(/don't have access/);
    expectNoRestrictedTitles(elsewhere, ['Reset VPN profile']);
    await denied('open incident checkout is down', { user: ANN.id, dm: true });
  });

  it('an admin-only process is refused to others without naming it', async () => {
    const refusal = await denied('wipe database analytics', { user: BOB.id });
    expectNoRestrictedTitles(refusal);
    expect(world.createRunCalls()).toHaveLength(0);
  });
});

describe('the command path', () => {
  it('/flowdesk list shows only what the user may request, here', async () => {
    const ann = textOf(await world.command(ANN.id, 'list', CHANNEL));
    expect(ann).toContain('Reset VPN profile');
    expect(ann).not.toContain('Purge the CDN cache');
    expect(ann).not.toContain('Open an incident');
    expect(ann).not.toContain('Wipe the analytics database');
    expect(textOf(await world.command(ANN.id, 'list', OPS_ROOM))).toContain('Open an incident');
    expect(textOf(await world.command(CAT.id, 'list', CHANNEL))).toContain('Purge the CDN cache');
    const bob = textOf(await world.command(BOB.id, 'list', CHANNEL));
    for (const title of RESTRICTED) expect(bob).not.toContain(title);
    expect(bob).toContain('Restart a service');
  });

  it("/flowdesk status and cancel refuse someone else's request", async () => {
    const card = await world.askForCard('reset vpn for ann@example.com', { user: ANN.id });
    expect(textOf(await world.command(BOB.id, `status ${card.requestId}`))).not.toContain(
      'Reset VPN profile',
    );
    await world.command(BOB.id, `cancel ${card.requestId}`);
    expect((await world.request(card.requestId)).status).toBe('awaiting_confirmation');
  });

  it('/flowdesk cancel works for the requester from anywhere (cancelling never widens access)', async () => {
    const card = await world.askForCard('open incident disk full', { user: ANN.id, channel: OPS_ROOM });
    await world.command(ANN.id, `cancel ${card.requestId}`, `D${ANN.id.slice(1)}`);
    expect((await world.request(card.requestId)).status).toBe('closed');
  });

  it('App Home lists only the processes the user may request', async () => {
    await postEvent(world.eventsUrl(), SECRET, appHomeOpenedEvent(BOB.id));
    const [home] = await world.slack.waitForCalls('views.publish', 1, (c) => c.args.user_id === BOB.id);
    const text = JSON.stringify(home.args.view);
    // Open an incident is open to everyone in the ops room, so Bob may see it; the others are not his.
    for (const title of RESTRICTED.filter((t) => t !== 'Open an incident')) expect(text).not.toContain(title);
    // It is refused in a DM, so the tab says where it works; nothing else carries a note.
    expect(text).toContain('Open an incident');
    expect(text).toContain(`Only in <#${OPS_ROOM}>`);
    expect(text.match(/Only in/g)).toHaveLength(1);
  });
});

describe('buttons and modals check access again', () => {
  /** Rewrites the map (access narrowed) and reloads it as an admin. */
  async function narrowAccess(replacements: Array<[string, string]>): Promise<() => Promise<void>> {
    const file = join(mapsDir, MAP_FILE);
    const original = readFileSync(file, 'utf8');
    let changed = original;
    for (const [from, to] of replacements) {
      expect(changed).toContain(from);
      changed = changed.replace(from, to);
    }
    writeFileSync(file, changed);
    expect(textOf(await world.command(ADA.id, 'reload'))).toContain('reloaded');
    return async () => {
      writeFileSync(file, original);
      expect(textOf(await world.command(ADA.id, 'reload'))).toContain('reloaded');
    };
  }

  async function pressRunAndExpectRefusal(card: Card, userId: string): Promise<void> {
    const from = world.slack.calls.length;
    expect((await world.click(card, userId, ACTION.run)).status).toBe(200);
    await world.slack.waitFor(() => world.ephemeralsTo(userId, from)[0], 5000, `refusal to ${userId}`);
    await settle(200);
    expect((await world.request(card.requestId)).status).toBe('awaiting_confirmation');
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  }

  it('another user pressing Run on a card is refused', async () => {
    const card = await world.askForCard('reset vpn for ann@example.com', { user: ANN.id });
    await pressRunAndExpectRefusal(card, BOB.id);
  });

  it('Run is refused after the user, the user group or the channel lost access', async () => {
    const vpn = await world.askForCard('reset vpn for ann@example.com', { user: ANN.id });
    const purge = await world.askForCard('purge cache for search', { user: CAT.id });
    const incident = await world.askForCard('open incident api errors', { user: ANN.id, channel: OPS_ROOM });
    const restore = await narrowAccess([
      ['users: [U0ANN0001]', 'users: [U0BOB0002]'],
      ['usergroups: [S0OPS0001]', 'usergroups: [S0LEADS01]'],
      ['channels: [C0OPSROOM]', 'channels: [C0ELSEWHERE]'],
    ]);
    try {
      await pressRunAndExpectRefusal(vpn, ANN.id);
      await pressRunAndExpectRefusal(purge, CAT.id);
      await pressRunAndExpectRefusal(incident, ANN.id);
    } finally {
      await restore();
    }
    // With access back, the same card works.
    await world.click(vpn, ANN.id, ACTION.run);
    await world.waitForStatus(vpn.requestId, 'submitted');
    expect(world.runsFor(vpn.requestId)).toHaveLength(1);
  });

  it('an Edit modal submitted after access was withdrawn changes nothing', async () => {
    const card = await world.askForCard('reset vpn for ann@example.com', { user: ANN.id });
    const modal = await world.openEditModal(card, ANN.id);
    const restore = await narrowAccess([['users: [U0ANN0001]', 'users: [U0BOB0002]']]);
    try {
      const submitted = await world.submitEditModal(modal, ANN.id, {
        type: 'email_text_input',
        value: 'eve@example.com',
      });
      expect(submitted.status).toBe(200);
      expect(JSON.parse(submitted.body || '{}')).toMatchObject({ response_action: 'errors' });
      expect((await world.request(card.requestId)).parameters).toEqual({ user_email: 'ann@example.com' });
    } finally {
      await restore();
    }
  });
});
