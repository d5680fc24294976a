/**
 * Every builder stays inside Block Kit's limits with hostile sizes: a 5000-character parameter
 * value, 30 parameters, a long process title, long logs, many processes. The fake Slack server's
 * validator (the same checks Slack applies) is the judge.
 */
import type { types } from '@slack/bolt';
import { ACTION } from '../../../../src/adapters/slack/action-ids';
import { appHomeView } from '../../../../src/adapters/slack/blocks/app-home';
import { approvalCard } from '../../../../src/adapters/slack/blocks/approval-card';
import {
  confirmationCard,
  settleMessageBlocks,
} from '../../../../src/adapters/slack/blocks/confirmation-card';
import { editModal } from '../../../../src/adapters/slack/blocks/edit-modal';
import {
  button,
  escapeMrkdwn,
  LIMITS,
  limitBlocks,
  section,
  truncate,
  truncateMrkdwn,
} from '../../../../src/adapters/slack/blocks/limits';
import { resultMessage } from '../../../../src/adapters/slack/blocks/result-message';
import { outOfScopeMessage } from '../../../../src/adapters/slack/blocks/simple-messages';
import { statusCard } from '../../../../src/adapters/slack/blocks/status-card';
import type { ProcessDef } from '../../../../src/core/types';
import { FAKE_PROCESS } from '../../../fakes/fake-engine';
import { validateBlocks, validateView } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

const longTitle = `Restart the payments API in the production cluster after a certificate rotation ${'x'.repeat(120)}`;
const process80: ProcessDef = {
  ...FAKE_PROCESS,
  title: 'T'.repeat(80),
  description: 'D'.repeat(5000),
  approval: {
    approvers: { users: ['U1'], usergroups: [] },
    minApprovals: 2,
    selfApproval: false,
    expiresAfterMs: 1000,
  },
};

function manyParameters(count: number, valueLength: number): Record<string, unknown> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`param_${i}_${'n'.repeat(40)}`, 'v'.repeat(valueLength)]),
  );
}

const messageProblems = (blocks: types.KnownBlock[]) => validateBlocks(blocks, LIMITS.messageBlocks);

describe('limit helpers', () => {
  it('truncates with an ellipsis and never exceeds the maximum', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(Array.from(truncate('😀'.repeat(100), 75))).toHaveLength(75);
  });

  it('does not cut an escaped entity or a link in half', () => {
    const text = `${'a'.repeat(8)}&amp;bbb`;
    expect(truncateMrkdwn(text, 11)).toBe(`${'a'.repeat(8)}…`);
    expect(truncateMrkdwn(`aaaa <@U123456> tail`, 10)).toBe('aaaa …');
  });

  it('closes a code block it cuts into', () => {
    const cut = truncateMrkdwn(`intro \`\`\`${'x'.repeat(100)}\`\`\``, 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut.split('```').length - 1).toBe(2);
  });

  it('escapes the characters mrkdwn treats as control', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('keeps at most 50 blocks and says how many were left out', () => {
    const blocks = Array.from({ length: 70 }, (_, i) => section(`line ${i}`));
    const limited = limitBlocks(blocks);
    expect(limited).toHaveLength(50);
    expect(JSON.stringify(limited[49])).toContain('21 more …');
    expect(messageProblems(limited)).toEqual([]);
  });

  it('cuts an 80-character button text to 75', () => {
    const b = button({ actionId: ACTION.run, text: 'R'.repeat(80), value: 'r1' });
    expect(Array.from(b.text.text)).toHaveLength(75);
    expect(b.text.text.endsWith('…')).toBe(true);
  });
});

describe('builders stay within limits', () => {
  it('confirmation card: 30 parameters of 5000 characters, a long title and description', () => {
    const request = buildRequest({
      parameters: manyParameters(30, 5000),
      scheduledAt: '2025-01-16T09:00:00.000Z',
    });
    const card = confirmationCard({ request, process: { ...process80, title: longTitle }, dryRun: true });
    expect(messageProblems(card.blocks)).toEqual([]);
    const fieldCount = card.blocks
      .filter((b) => b.type === 'section')
      .reduce((n, b) => n + ((b as types.SectionBlock).fields?.length ?? 0), 0);
    expect(fieldCount).toBe(30);
    expect(JSON.stringify(card.blocks)).toContain('…');
    expect(card.text.length).toBeGreaterThan(0);
  });

  it('confirmation card: a confirm dialog on Run for approval or production, none otherwise', () => {
    const request = buildRequest({ parameters: { quarter: 'Q1' } });
    const run = (p: ProcessDef) =>
      (
        confirmationCard({ request, process: p }).blocks.find(
          (b) => b.type === 'actions',
        ) as types.ActionsBlock
      ).elements[0] as types.Button;
    expect(run({ ...FAKE_PROCESS, deployment: 'refresh/staging' }).confirm).toBeUndefined();
    expect(run({ ...FAKE_PROCESS, deployment: 'refresh/production' }).confirm).toBeDefined();
    expect(
      run({ ...FAKE_PROCESS, deployment: 'refresh/staging', approval: process80.approval }).confirm,
    ).toBeDefined();
  });

  it('uses a fresh block id per request version', () => {
    const request = buildRequest();
    const v1 = confirmationCard({ request, process: FAKE_PROCESS }).blocks.map((b) => b.block_id);
    const v2 = confirmationCard({ request: { ...request, version: 1 }, process: FAKE_PROCESS }).blocks.map(
      (b) => b.block_id,
    );
    const shared = v1.filter((id) => id !== undefined && v2.includes(id));
    expect(shared).toEqual([]);
  });

  it('settled card keeps the content and drops the buttons', () => {
    const card = confirmationCard({ request: buildRequest(), process: FAKE_PROCESS });
    const settled = settleMessageBlocks(card.blocks, 'Confirmed by <@U1>.');
    expect(settled.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(settled)).toContain('Confirmed by <@U1>.');
    expect(messageProblems(settled)).toEqual([]);
  });

  it('status card with a huge state message', () => {
    const request = buildRequest({
      status: 'submitted',
      run: {
        flowRunId: 'r1',
        deploymentId: 'd1',
        url: `https://prefect.example.com/runs/flow-run/${'r'.repeat(3500)}`,
        state: {
          type: 'FAILED',
          name: 'Failed',
          timestamp: '2025-01-15T09:31:00Z',
          message: 'm'.repeat(9000),
        },
        startedAt: '2025-01-15T09:30:00Z',
      },
    });
    const card = statusCard(request, { ...FAKE_PROCESS, title: longTitle }, new Date('2025-01-15T09:32:00Z'));
    expect(messageProblems(card.blocks)).toEqual([]);
  });

  it('result message with long error logs', () => {
    const request = buildRequest({
      run: {
        flowRunId: 'r1',
        deploymentId: 'd1',
        url: 'https://prefect.example.com/runs/flow-run/r1',
        state: {
          type: 'CRASHED',
          name: 'Crashed',
          timestamp: '2025-01-15T09:31:00Z',
          message: 'x'.repeat(5000),
        },
      },
    });
    const logs = Array.from({ length: 200 }, (_, i) => ({
      timestamp: '',
      level: 40,
      message: `line ${i} \`\`\` ${'e'.repeat(800)}`,
    }));
    const message = resultMessage({ request, process: FAKE_PROCESS, logs, artifacts: [], now: new Date() });
    expect(messageProblems(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('line 199');
    expect(JSON.stringify(message.blocks)).not.toContain('line 150 ');
  });

  it('approval card with 30 long parameters', () => {
    const request = buildRequest({ parameters: manyParameters(30, 5000), expiresAt: '2025-01-16T09:00:00Z' });
    const card = approvalCard({ request, process: process80 });
    expect(messageProblems(card.blocks)).toEqual([]);
    const buttons = (card.blocks.find((b) => b.type === 'actions') as types.ActionsBlock)
      .elements as types.Button[];
    expect(buttons.map((b) => b.action_id)).toEqual([ACTION.approve, ACTION.reject]);
    expect(buttons.every((b) => b.confirm !== undefined)).toBe(true);
    expect(buttons.map((b) => b.style)).toEqual(['primary', 'danger']);
  });

  it('out-of-scope with long suggestions', () => {
    const message = outOfScopeMessage(
      't'.repeat(4000),
      Array.from({ length: 30 }, (_, i) => ({
        processId: `p${i}`,
        title: 'T'.repeat(500),
        example: 'e'.repeat(500),
      })),
    );
    expect(messageProblems(message.blocks)).toEqual([]);
  });

  it('App Home with 200 processes and 50 runs stays within 100 blocks', () => {
    const processes = Array.from({ length: 200 }, (_, i) => ({
      ...FAKE_PROCESS,
      id: `p${i}`,
      title: `Process ${i} ${'t'.repeat(300)}`,
      description: 'd'.repeat(4000),
    }));
    const runs = Array.from({ length: 50 }, () => ({ request: buildRequest(), process: FAKE_PROCESS }));
    const view = appHomeView({ user: { id: 'U1', name: 'Ann', tz: 'UTC' }, runs, processes });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(validateView(view as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('edit modal with 150 parameters and long enum values stays within 100 blocks', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [
        `p${i}`,
        { type: 'string', enum: Array.from({ length: 120 }, (_, j) => `${'o'.repeat(200)}${j}`) },
      ]),
    );
    const request = buildRequest({ parameters: { p0: `${'o'.repeat(200)}3` } });
    const view = editModal({
      request,
      process: { ...FAKE_PROCESS, title: longTitle },
      schema: { type: 'object', properties },
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(validateView(view as unknown as Record<string, unknown>)).toEqual([]);
  });
});
