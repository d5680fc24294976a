import { Readable } from 'node:stream';
import { createTerminalNotifier } from '../../../src/adapters/terminal/terminal-notifier';
import { runTerminalSession } from '../../../src/adapters/terminal/terminal-session';
import type { RoutingInput } from '../../../src/core/ports';
import type { ProcessDef, ThreadRef } from '../../../src/core/types';
import {
  createHarness,
  RESET_VPN,
  RESTART_SERVICE,
  runDecision,
  USERS,
} from '../../core/engine/engine-harness';

const THREAD: ThreadRef = { channel: 'terminal', threadTs: 'chat-1', isDm: true };

function route(input: RoutingInput) {
  if (input.text.includes('restart'))
    return runDecision('restart-service', { service: 'payments-api', environment: 'production' });
  if (input.pending) return runDecision(input.pending.process.id, { user_email: input.text.trim() });
  return runDecision('reset-vpn');
}

async function session(
  lines: string[],
  options: { dryRun?: boolean; user?: typeof USERS.ann; processes?: ProcessDef[] } = {},
) {
  const h = createHarness({
    dryRun: options.dryRun,
    route,
    ...(options.processes ? { processes: options.processes } : {}),
  });
  const output: string[] = [];
  const print = (line: string) => output.push(line);
  h.notifier.events.length = 0;
  await runTerminalSession({
    engine: h.engine,
    input: Readable.from(lines.map((line) => `${line}\n`)),
    output: process.stdout,
    print,
    requester: options.user ?? USERS.ann,
    thread: THREAD,
    admins: [],
    banner: ['banner line'],
    interactive: false,
  });
  return { h, output, text: output.join('\n') };
}

describe('terminal session', () => {
  it('shows the card as a box with numbered buttons and starts the run on 1', async () => {
    const { h, output, text } = await session(['my vpn keeps disconnecting', '1']);
    expect(output[0]).toBe('banner line');
    expect(text).toContain('┌─ Reset VPN profile');
    expect(text).toMatch(/│ user_email\s+ann@example\.com\s+│/);
    expect(text).toContain('[1] Run   [2] Edit   [3] Cancel');
    expect(text).toContain(
      '🚀 Started “Reset VPN profile”: run reset-vpn for Ann (Scheduled) http://prefect.test/runs/flow-run/run-1',
    );
    expect(h.prefect.createCalls).toHaveLength(1);
    expect(output.at(-1)).toBe('flowdesk> Bye.');
  });

  it('asks the question, takes the answer, edits with name=value and cancels with 3', async () => {
    const { h, text } = await session(
      ['my vpn keeps disconnecting', 'nomail@example.com', '2', 'user_email=other@example.com', '3'],
      { user: USERS.noEmail },
    );
    expect(text).toContain('flowdesk> What user_email should I use for “Reset VPN profile”?');
    expect(text).toContain('user_email = "nomail@example.com"');
    expect(text).toMatch(/user_email\s+other@example\.com/);
    expect(text).toContain('Cancelled “Reset VPN profile”. Nothing was started.');
    expect(h.prefect.createCalls).toHaveLength(0);
  });

  it('reports invalid edits per field and changes nothing', async () => {
    const { text } = await session(['restart payments-api', '2 environment=qa']);
    expect(text).toContain('flowdesk> ✗ environment must be one of: staging, production');
    expect(text).toContain('Nothing was changed.');
  });

  it('in a dry run prints what would start', async () => {
    const { text } = await session(['my vpn keeps disconnecting', '1'], { dryRun: true });
    expect(text).toContain('Dry run: nothing will be started.');
    expect(text).toContain(
      'flowdesk> Dry run: would start reset-vpn/production with {"user_email":"ann@example.com"}',
    );
  });

  it('treats numbers as text when no card is shown and supports /list, /runs, /status', async () => {
    const { text, h } = await session(['/list', '/runs', '1', '/status req-0001', '/frobnicate']);
    expect(text).toContain(`flowdesk> • ${RESTART_SERVICE.title} (restart-service)`);
    expect(text).toContain('flowdesk> No requests yet.');
    expect(h.router.inputs.map((input) => input.text)).toEqual(['1']);
    expect(text).toMatch(/flowdesk> req-0001 +Reset VPN profile: awaiting confirmation/);
    expect(text).toContain('flowdesk> Unknown command /frobnicate. Type /help.');
  });
});

describe('terminal session approvals', () => {
  it('lets another user approve the last request with /as and /approve', async () => {
    const guarded: ProcessDef = {
      ...RESET_VPN,
      approval: {
        approvers: { users: [USERS.lead1.id], usergroups: [] },
        minApprovals: 1,
        selfApproval: false,
        expiresAfterMs: 3_600_000,
      },
    };
    const { h, text } = await session(
      ['my vpn keeps disconnecting', '1', '/approve', `/as ${USERS.lead1.id}`, '/approve'],
      {
        processes: [guarded, RESTART_SERVICE],
      },
    );
    expect(text).toContain('is waiting for approval (0 of 1)');
    expect(text).toContain('Only the approvers listed for “Reset VPN profile” can do that.');
    expect(text).toContain(`flowdesk> Now acting as ${USERS.lead1.id}.`);
    expect(text).toContain('🚀 Started “Reset VPN profile”');
    expect(h.prefect.createCalls).toHaveLength(1);
    expect(h.prefect.createCalls[0].tags).toContain(`approved-by:${USERS.lead1.id}`);
  });
});

describe('terminal notifier', () => {
  it('prints run progress for this session only, without repeating itself', async () => {
    const h = createHarness({ route });
    const lines: string[] = [];
    const notifier = createTerminalNotifier({
      print: (l) => lines.push(l),
      clock: h.clock,
      threadTs: THREAD.threadTs,
    });
    const replies = await h.say('my vpn keeps disconnecting', USERS.ann, THREAD);
    const request = replies[0].kind === 'confirmation' ? replies[0].request : undefined;
    const run = {
      flowRunId: 'r1',
      deploymentId: 'd1',
      url: 'http://ui/runs/flow-run/r1',
      startedAt: '2025-06-12T09:59:57.000Z',
      state: { type: 'RUNNING' as const, name: 'Running', timestamp: '2025-06-12T09:59:57.000Z' },
    };
    const running = { ...request!, status: 'submitted' as const, run };
    await notifier.requestChanged(running, undefined, { kind: 'state_changed' });
    await notifier.requestChanged(running, undefined, { kind: 'state_changed' });
    await notifier.requestChanged({ ...running, thread: { ...THREAD, threadTs: 'other' } }, undefined, {
      kind: 'state_changed',
    });
    const failed = {
      ...running,
      status: 'finished' as const,
      run: {
        ...run,
        endedAt: '2025-06-12T10:00:07.000Z',
        state: {
          type: 'FAILED' as const,
          name: 'Failed',
          timestamp: '2025-06-12T10:00:07.000Z',
          message: 'boom',
        },
      },
    };
    await notifier.requestChanged(failed, undefined, {
      kind: 'finished',
      logs: [{ timestamp: 't', level: 40, message: 'VPN API said 500\ntraceback…' }],
      artifacts: [],
    });
    expect(lines).toEqual([
      'flowdesk> ⏳ Running (3s)',
      'flowdesk> ❌ Failed: boom',
      '   │ VPN API said 500',
      '   http://ui/runs/flow-run/r1',
    ]);
  });
});
