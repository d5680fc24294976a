/**
 * `flowdesk start` as a process (the built dist/cli.js), configured only through its environment:
 * the fake Slack Web API (SLACK_API_URL), the fake Prefect server (PREFECT_API_URL), real Redis under
 * a unique FLOWDESK_REDIS_PREFIX. Probes and metrics, a signed mention → card, a signed Run click →
 * one flow run, Prefect events on the webhook (bearer) → status edited and result posted, then
 * SIGTERM → a graceful stop (exit 0) that releases its poll leases. Also the refusals at start-up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminConnection, deleteKeys, REDIS_URL, uniquePrefix } from '../adapters/store/redis-test-support';
import { buildStateEvent } from '../core/prefect-event-samples';
import { FakePrefectServer } from '../fakes/fake-prefect-server';
import { FAKE_BOT, FakeSlackServer, type RecordedCall } from '../fakes/fake-slack-server';
import { freePort } from '../helpers/free-port';
import { buttonValue } from '../helpers/slack-cards';
import { blockActionPayload, mentionEvent, newTs, postAction, postEvent } from '../helpers/slack-requests';
import { ChatProcess, cleanEnv } from './chat-process';

const SIGNING_SECRET = 'start-e2e-signing-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'start-e2e-webhook-secret-0123456789';
const ANN = { id: 'U0ANN0001', name: 'ann', real_name: 'Ann Example', email: 'ann@example.com', tz: 'UTC' };
const ADMIN = 'U0ADM0003';
const CHANNEL = 'C0SERVICE1';
const RUN_ACTION = 'flowdesk_run';

/** flowdesk logs (pino JSON) go to stderr. */
async function waitForLog(process: ChatProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(process.stderr)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}\n${process.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('flowdesk start (a real process)', () => {
  const slack = new FakeSlackServer();
  const prefect = new FakePrefectServer();
  const prefix = uniquePrefix('start-e2e');
  const admin = adminConnection();
  let flowdesk: ChatProcess;
  let base: string;

  const get = (path: string) => fetch(`${base}${path}`);
  const postWebhook = (body: unknown, secret = WEBHOOK_SECRET) =>
    fetch(`${base}/webhooks/prefect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
    });

  /** A mention in a new thread; resolves with the card flowdesk posted there. */
  async function mention(text: string): Promise<{ card: RecordedCall; requestId: string; threadTs: string }> {
    const threadTs = newTs();
    const event = mentionEvent({
      user: ANN.id,
      channel: CHANNEL,
      text: `<@${FAKE_BOT.userId}> ${text}`,
      ts: threadTs,
    });
    expect((await postEvent(`${base}/slack/events`, SIGNING_SECRET, event)).status).toBe(200);
    const [card] = await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === threadTs && buttonValue(c, RUN_ACTION) !== undefined,
      10_000,
    );
    return { card, requestId: buttonValue(card, RUN_ACTION) as string, threadTs };
  }

  function clickRun(card: RecordedCall, requestId: string, threadTs: string) {
    return postAction(
      `${base}/slack/events`,
      SIGNING_SECRET,
      blockActionPayload({
        user: ANN.id,
        actionId: RUN_ACTION,
        value: requestId,
        channel: CHANNEL,
        messageTs: String(card.response.ts),
        threadTs,
        blocks: card.args.blocks as unknown[],
        responseUrl: slack.responseUrl('start-e2e'),
      }),
    );
  }

  const runsOf = (requestId: string) => prefect.runs().filter((run) => run.idempotency_key === requestId);

  beforeAll(async () => {
    await slack.start();
    slack.addUser(ANN);
    await prefect.start();
    prefect.addDeployment({
      flowName: 'reset-vpn',
      name: 'production',
      parameterSchema: {
        title: 'Parameters',
        type: 'object',
        properties: { user_email: { title: 'user_email', type: 'string', format: 'email', position: 0 } },
        required: ['user_email'],
      },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    flowdesk = new ChatProcess(
      ['start'],
      cleanEnv({
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PREFECT_API_URL: prefect.url,
        REDIS_URL,
        FLOWDESK_REDIS_PREFIX: prefix,
        FLOWDESK_WEBHOOK_SECRET: WEBHOOK_SECRET,
        FLOWDESK_ROUTER: 'local',
        FLOWDESK_ADMINS: ADMIN,
        PORT: String(port),
        LOG_LEVEL: 'info',
      }),
    );
    await waitForLog(flowdesk, /Slack app listening/, 20_000);
  }, 30_000);

  afterAll(async () => {
    flowdesk.kill();
    await slack.stop();
    await prefect.stop();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  });

  it('answers the probes and serves flowdesk metrics', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { redis: 'ok', prefect: 'ok' } });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE flowdesk_requests_total counter$/m);
    expect(text).toMatch(/^flowdesk_event_queue_lag \d+$/m);
  });

  it('a mention gets a card; Run starts one flow run; Prefect events update the thread', async () => {
    const { card, requestId, threadTs } = await mention('reset my vpn');
    expect(JSON.stringify(card.args.blocks)).toContain('Reset VPN profile');

    expect((await clickRun(card, requestId, threadTs)).status).toBe(200);
    const [status] = await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === threadTs && JSON.stringify(c.args.blocks).includes('Open in Prefect'),
      10_000,
    );
    expect(runsOf(requestId)).toHaveLength(1);
    const [run] = runsOf(requestId);
    expect(run.parameters).toEqual({ user_email: ANN.email });
    expect(prefect.requestsTo('POST', /\/create_flow_run$/).filter((r) => r.status < 300)).toHaveLength(1);

    const now = Date.now();
    const running = buildStateEvent({
      flowRunId: run.id,
      type: 'RUNNING',
      name: 'Running',
      at: new Date(now),
    });
    expect((await postWebhook(running)).status).toBe(202);
    await slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === status.response.ts && JSON.stringify(c.args.blocks).includes('Running'),
      10_000,
    );
    const completed = buildStateEvent({
      flowRunId: run.id,
      type: 'COMPLETED',
      name: 'Completed',
      at: new Date(now + 1000),
    });
    expect((await postWebhook(completed)).status).toBe(202);
    const [result] = await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === threadTs && String(c.args.text).toLowerCase().includes('completed'),
      10_000,
    );
    expect(JSON.stringify(result.args.blocks)).toContain(`<@${ANN.id}>`);
    await slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === status.response.ts && JSON.stringify(c.args.blocks).includes('Completed'),
      10_000,
    );
    expect(slack.invalidCalls()).toEqual([]);
  }, 40_000);

  it('refuses a webhook with the wrong bearer', async () => {
    const event = buildStateEvent({ type: 'RUNNING', name: 'Running' });
    expect((await postWebhook(event, 'not-the-secret')).status).toBe(401);
  });

  it('stops gracefully on SIGTERM: exit 0, "flowdesk stopping", poll leases released', async () => {
    // A run still followed, so this replica holds a poll lease when it stops.
    const { card, requestId, threadTs } = await mention('reset my vpn');
    await clickRun(card, requestId, threadTs);
    const runId = await slack.waitFor(() => runsOf(requestId)[0]?.id, 10_000, 'the second run');
    const leaseKey = `${prefix}lease:poll:${runId}`;
    await slack.waitFor(async () => (await admin.exists(leaseKey)) === 1, 15_000, 'a poll lease');

    // Readiness names what is down.
    await prefect.stop();
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { checks: Record<string, string> };
    expect(body.checks.prefect).toMatch(/^down/);
    expect(body.checks.redis).toBe('ok');

    const from = flowdesk.stderr.length;
    const stoppedAt = Date.now();
    flowdesk.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      flowdesk.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('still running'), 25_000);
      }),
    ]);
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(25_000);
    const logs = flowdesk.stderr.slice(from);
    expect(logs).toContain('flowdesk stopping');
    expect(logs).toContain('flowdesk stopped');
    // Released, not left to expire (its TTL is 15 s).
    expect(await admin.exists(leaseKey)).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    await deleteKeys(admin, prefix);
    const [, left] = await admin.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    expect(left).toEqual([]);
  }, 60_000);
});

describe('flowdesk start refuses to start', () => {
  async function run(args: string[], env: Record<string, string>) {
    const cli = new ChatProcess(args, cleanEnv(env));
    cli.end();
    const code = await cli.exited;
    return { code, stdout: cli.stdout, stderr: cli.stderr };
  }

  it('without Slack credentials, naming what to set', async () => {
    const { code, stdout } = await run(['start'], {});
    expect(code).toBe(1);
    expect(stdout).toContain('SLACK_BOT_TOKEN');
    expect(stdout).toContain('SLACK_SIGNING_SECRET');
  });

  it('with a broken process map, printing file:line: message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowdesk-start-'));
    const file = join(dir, 'broken.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'processes:',
        '  - id: reset-vpn',
        '    title: Reset VPN profile',
        '    deployment: reset-vpn/production',
        '    examples: [my vpn is down]',
      ].join('\n'),
    );
    try {
      const { code, stderr } = await run(['start', '--process-maps', dir], {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        REDIS_URL,
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: .*description`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
