/**
 * The Slack notifier against the fake Web API and a real Redis store: one status message per
 * request edited in place (coalesced, across two instances too), results, approvals, expiry,
 * rate limits on updates that never stall replies to users.
 */
import { ACTION } from '../../../src/adapters/slack/action-ids';
import { createSlackApp } from '../../../src/adapters/slack/create-slack-app';
import type { ProcessDef, RequestRecord, RunState } from '../../../src/core/types';
import { FAKE_PROCESS } from '../../fakes/fake-engine';
import { FAKE_BOT } from '../../fakes/fake-slack-server';
import { buildRequest } from '../../helpers/build-request';
import { mentionEvent, newTs, postEvent } from '../../helpers/slack-requests';
import {
  CHANNEL,
  OTHER_USER,
  REQUESTER,
  SIGNING_SECRET,
  type SlackTestEnv,
  startSlackTestEnv,
} from './slack-test-env';

let env: SlackTestEnv;

beforeAll(async () => {
  env = await startSlackTestEnv({ file: 'slack-notifier' });
  env.slack.setUsergroup('S0LEADS01', ['U0LEAD0001', 'U0LEAD0002', REQUESTER.id]);
});

afterAll(async () => {
  await env.stop();
});

beforeEach(() => {
  env.slack.reset();
});

const approvalProcess: ProcessDef = {
  ...FAKE_PROCESS,
  id: 'restart-payments',
  title: 'Restart payments-api',
  approval: {
    approvers: { users: ['U0LEAD0003'], usergroups: ['S0LEADS01'] },
    minApprovals: 1,
    selfApproval: false,
    expiresAfterMs: 3_600_000,
  },
};

async function storedRequest(overrides: Partial<RequestRecord> = {}): Promise<RequestRecord> {
  const request = buildRequest({
    requester: { id: REQUESTER.id, name: 'Ann Example', tz: 'Europe/Paris' },
    thread: { channel: CHANNEL, threadTs: newTs(), isDm: false },
    processId: FAKE_PROCESS.id,
    parameters: { quarter: 'Q3' },
    ...overrides,
  });
  await env.store.createRequest(request);
  return request;
}

/** Moves the stored request on (as the engine would) and returns the new version. */
async function advance(request: RequestRecord, change: Partial<RequestRecord>): Promise<RequestRecord> {
  const current = (await env.store.getRequest(request.id)) as RequestRecord;
  const next = { ...current, ...change, version: current.version + 1 };
  if (!(await env.store.compareAndSet(next, current.version))) throw new Error('CAS failed in test');
  return next;
}

function runWith(state: Partial<RunState> & Pick<RunState, 'type' | 'name'>, request: RequestRecord) {
  return {
    flowRunId: `run-${request.id}`,
    flowRunName: 'brave-otter',
    deploymentId: 'dep-1',
    url: `http://prefect.local/runs/flow-run/run-${request.id}`,
    state: { timestamp: new Date().toISOString(), ...state },
    startedAt: new Date(Date.now() - 65_000).toISOString(),
  };
}

const statusPosts = (threadTs: string) =>
  env.slack
    .okCallsOf('chat.postMessage')
    .filter(
      (c) => c.args.thread_ts === threadTs && JSON.stringify(c.args.blocks).includes('Open in Prefect'),
    );

describe('status message', () => {
  it('is posted once and then edited in place, latest state last', async () => {
    const request = await storedRequest({ status: 'submitted' });
    const scheduled = await advance(request, {
      run: runWith({ type: 'SCHEDULED', name: 'Scheduled' }, request),
    });
    await env.app.notifier.requestChanged(scheduled, FAKE_PROCESS, { kind: 'state_changed' });
    const pending = await advance(scheduled, { run: runWith({ type: 'PENDING', name: 'Pending' }, request) });
    await env.app.notifier.requestChanged(pending, FAKE_PROCESS, { kind: 'state_changed' });
    const running = await advance(pending, { run: runWith({ type: 'RUNNING', name: 'Running' }, request) });
    await env.app.notifier.requestChanged(running, FAKE_PROCESS, { kind: 'state_changed' });
    await env.app.delivery.idle();

    const posts = statusPosts(request.thread.threadTs);
    expect(posts).toHaveLength(1);
    const ts = posts[0].response.ts;
    const updates = env.slack.okCallsOf('chat.update').filter((c) => c.args.ts === ts);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    // Coalesced: three changes in a burst never cost three edits.
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(updates[updates.length - 1].args.blocks)).toContain('Running');
    expect(JSON.stringify(updates[updates.length - 1].args.blocks)).toContain('Elapsed: 1m');
    expect((await env.store.getRequest(request.id))?.messages.status).toEqual({ channel: CHANNEL, ts });
  });

  it('is posted once when two instances sharing the store report the same change', async () => {
    const second = createSlackApp({
      config: {
        botToken: env.slack.token,
        signingSecret: SIGNING_SECRET,
        apiUrl: env.slack.apiUrl,
        port: 0,
        botId: FAKE_BOT.botId,
        botUserId: FAKE_BOT.userId,
      },
      engine: env.engine,
      store: env.store,
      logger: env.logger,
      admins: [],
      notifierMinIntervalMs: 200,
    });
    const request = await storedRequest({ status: 'submitted' });
    const running = await advance(request, { run: runWith({ type: 'RUNNING', name: 'Running' }, request) });
    await Promise.all([
      env.app.notifier.requestChanged(running, FAKE_PROCESS, { kind: 'state_changed' }),
      second.notifier.requestChanged(running, FAKE_PROCESS, { kind: 'state_changed' }),
    ]);
    await env.slack.waitFor(() => statusPosts(request.thread.threadTs).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await Promise.all([env.app.delivery.idle(), second.delivery.idle()]);
    expect(statusPosts(request.thread.threadTs)).toHaveLength(1);
    await second.stop();
  });

  it('waits out a 429 on updates without holding back replies to users', async () => {
    const request = await storedRequest({ status: 'submitted' });
    const scheduled = await advance(request, {
      run: runWith({ type: 'SCHEDULED', name: 'Scheduled' }, request),
    });
    await env.app.notifier.requestChanged(scheduled, FAKE_PROCESS, { kind: 'state_changed' });
    await env.slack.waitFor(() => statusPosts(request.thread.threadTs).length === 1);
    await env.app.delivery.idle();

    env.slack.failNext('chat.update', { status: 429, retryAfter: 1 });
    const running = await advance(scheduled, { run: runWith({ type: 'RUNNING', name: 'Running' }, request) });
    await env.app.notifier.requestChanged(running, FAKE_PROCESS, { kind: 'state_changed' });
    await env.slack.waitFor(() => env.slack.callsOf('chat.update').some((c) => c.status === 429));
    const limitedAt = Date.now();

    // A person asks something meanwhile: the answer must not wait for the rate limit.
    const ts = newTs();
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: OTHER_USER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello`, ts }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage', 1, (c) => c.args.thread_ts === ts);
    expect(reply.at - limitedAt).toBeLessThan(700);

    const [update] = await env.slack.waitForCalls('chat.update', 1, () => true, 4000);
    expect(update.at - limitedAt).toBeGreaterThanOrEqual(900);
    expect(JSON.stringify(update.args.blocks)).toContain('Running');
  });
});

describe('results', () => {
  it('mentions the requester with the summary when the run completes, once', async () => {
    const request = await storedRequest({ status: 'submitted' });
    const done = await advance(request, {
      status: 'finished',
      run: {
        ...runWith({ type: 'COMPLETED', name: 'Completed' }, request),
        endedAt: new Date().toISOString(),
      },
    });
    const event = {
      kind: 'finished' as const,
      logs: [],
      artifacts: [
        { id: 'a1', key: 'dashboard', type: 'link', data: '[Dashboard](https://bi.example.com/q3)' },
      ],
    };
    await env.app.notifier.requestChanged(done, FAKE_PROCESS, event);
    await env.app.notifier.requestChanged(done, FAKE_PROCESS, event);
    await env.app.delivery.idle();
    const results = env.slack
      .okCallsOf('chat.postMessage')
      .filter(
        (c) => c.args.thread_ts === request.thread.threadTs && String(c.args.text).includes('completed'),
      );
    expect(results).toHaveLength(1);
    const blocks = JSON.stringify(results[0].args.blocks);
    expect(blocks).toContain(`<@${REQUESTER.id}>`);
    expect(blocks).toContain('completed in 1m');
    expect(blocks).toContain('"url":"https://bi.example.com/q3"');
  });

  it('tries to upload result files when the map asks for it, and says what it could not upload', async () => {
    const uploading: ProcessDef = { ...FAKE_PROCESS, results: { upload: true } };
    const request = await storedRequest({ status: 'submitted' });
    const done = await advance(request, {
      status: 'finished',
      run: {
        ...runWith({ type: 'COMPLETED', name: 'Completed' }, request),
        endedAt: new Date().toISOString(),
      },
    });
    await env.app.notifier.requestChanged(done, uploading, {
      kind: 'finished',
      logs: [],
      artifacts: [{ id: 'a2', key: 'export', type: 'link', data: 'https://127.0.0.1:9/report.csv' }],
    });
    const [note] = await env.slack.waitForCalls('chat.postMessage', 1, (c) =>
      String(c.args.text).includes('report.csv'),
    );
    expect(note.args.thread_ts).toBe(request.thread.threadTs);
  });

  it('shows the state message and the last error lines on failure', async () => {
    const request = await storedRequest({ status: 'submitted' });
    const failed = await advance(request, {
      status: 'finished',
      run: runWith(
        { type: 'FAILED', name: 'Failed', message: 'Flow run encountered an exception: KeyError' },
        request,
      ),
    });
    await env.app.notifier.requestChanged(failed, FAKE_PROCESS, {
      kind: 'finished',
      logs: [
        { timestamp: '2025-01-01T00:00:00Z', level: 20, message: 'Starting' },
        { timestamp: '2025-01-01T00:00:01Z', level: 40, message: "KeyError: 'region' <b>" },
      ],
      artifacts: [],
    });
    const [result] = await env.slack.waitForCalls('chat.postMessage', 1, (c) =>
      String(c.args.text).includes('ended Failed'),
    );
    const blocks = JSON.stringify(result.args.blocks);
    expect(blocks).toContain('Flow run encountered an exception: KeyError');
    expect(blocks).toContain("KeyError: 'region' &lt;b&gt;");
    expect(blocks).not.toContain('Starting');
  });
});

describe('approvals', () => {
  it('posts the card in the thread and by DM to each approver except the requester', async () => {
    const request = await storedRequest({
      processId: approvalProcess.id,
      status: 'awaiting_approval',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await env.app.notifier.requestChanged(request, approvalProcess, { kind: 'approval_needed' });
    const posts = env.slack.okCallsOf('chat.postMessage');
    const channels = posts.map((c) => c.args.channel).sort();
    expect(channels).toEqual([CHANNEL, 'U0LEAD0001', 'U0LEAD0002', 'U0LEAD0003'].sort());
    for (const post of posts) {
      const blocks = JSON.stringify(post.args.blocks);
      expect(blocks).toContain(ACTION.approve);
      expect(blocks).toContain(ACTION.reject);
      expect(blocks).toContain('Restart payments-api');
    }
    const stored = (await env.store.getRequest(request.id)) as RequestRecord;
    expect(Object.keys(stored.messages).sort()).toEqual(
      ['approval', 'approval:U0LEAD0001', 'approval:U0LEAD0002', 'approval:U0LEAD0003'].sort(),
    );
    expect(stored.messages['approval:U0LEAD0001'].channel).toBe('D0LEAD0001');

    const approved = await advance(request, {
      status: 'submitted',
      approvals: [{ userId: 'U0LEAD0001', at: new Date().toISOString() }],
    });
    await env.app.notifier.requestChanged(approved, approvalProcess, { kind: 'approved', by: 'U0LEAD0001' });
    await env.app.delivery.idle();
    const updates = env.slack.okCallsOf('chat.update');
    expect(updates).toHaveLength(4);
    for (const update of updates) {
      expect(JSON.stringify(update.args.blocks)).toContain('Approved by <@U0LEAD0001>');
      expect(JSON.stringify(update.args.blocks)).not.toContain(ACTION.approve);
    }
    expect(env.slack.invalidCalls()).toEqual([]);
  });

  it('settles the cards with the reason when rejected', async () => {
    const request = await storedRequest({ processId: approvalProcess.id, status: 'awaiting_approval' });
    await env.app.notifier.requestChanged(request, approvalProcess, { kind: 'approval_needed' });
    const rejected = await advance(request, {
      status: 'closed',
      rejectedBy: 'U0LEAD0002',
      closedReason: 'rejected',
    });
    await env.app.notifier.requestChanged(rejected, approvalProcess, {
      kind: 'rejected',
      by: 'U0LEAD0002',
      reason: 'not <today>',
    });
    await env.app.delivery.idle();
    const updates = env.slack.okCallsOf('chat.update');
    expect(updates.length).toBe(4);
    expect(JSON.stringify(updates[0].args.blocks)).toContain('Rejected by <@U0LEAD0002>');
    expect(JSON.stringify(updates[0].args.blocks)).toContain('not &lt;today&gt;');
  });

  it('keeps going when one approver cannot be reached', async () => {
    env.slack.failNext('chat.postMessage', 'channel_not_found');
    const request = await storedRequest({ processId: approvalProcess.id, status: 'awaiting_approval' });
    await env.app.notifier.requestChanged(request, approvalProcess, { kind: 'approval_needed' });
    expect(env.slack.okCallsOf('chat.postMessage')).toHaveLength(3);
    expect(
      env.logger.entries.some(
        (e) => e.level === 'error' && JSON.stringify(e.obj).includes('channel_not_found'),
      ),
    ).toBe(true);
  });
});

describe('expiry and pauses', () => {
  it('settles the confirmation card and tells the requester', async () => {
    const request = await storedRequest();
    const card = await env.app.delivery.post({
      channel: CHANNEL,
      thread_ts: request.thread.threadTs,
      text: 'card',
      blocks: [],
    });
    await env.app.refs.save(request.id, 'card', card as { channel: string; ts: string });
    const expired = await advance(request, { status: 'closed', closedReason: 'expired' });
    await env.app.notifier.requestChanged(expired, FAKE_PROCESS, { kind: 'expired' });
    await env.app.delivery.idle();
    const [update] = env.slack.okCallsOf('chat.update');
    expect(update.args.ts).toBe(card?.ts);
    expect(JSON.stringify(update.args.blocks)).toContain('This request expired');
    expect(JSON.stringify(update.args.blocks)).not.toContain(ACTION.run);
    const note = env.slack.okCallsOf('chat.postMessage').find((c) => String(c.args.text).includes('expired'));
    expect(note?.args.thread_ts).toBe(request.thread.threadTs);
  });

  it('asks the requester for input with a Provide input button when a run pauses', async () => {
    const request = await storedRequest({ status: 'submitted' });
    const paused = await advance(request, { run: runWith({ type: 'PAUSED', name: 'Suspended' }, request) });
    await env.app.notifier.requestChanged(paused, FAKE_PROCESS, {
      kind: 'paused_for_input',
      schema: {},
      description: 'Approve the refund amount',
    });
    const prompt = await env.slack.waitForCalls('chat.postMessage', 1, (c) =>
      JSON.stringify(c.args.blocks).includes(ACTION.provideInput),
    );
    expect(JSON.stringify(prompt[0].args.blocks)).toContain('Approve the refund amount');
    expect((await env.store.getRequest(request.id))?.messages.input).toBeDefined();
  });
});
