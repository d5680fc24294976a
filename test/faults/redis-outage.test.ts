/**
 * Redis dies mid-conversation (SPEC §11): a card is posted, then Redis is killed. While it is down
 * people get a clear "can't reach its state store… nothing was changed" answer, the app keeps
 * serving HTTP and /readyz names Redis; when Redis is back (same port, its data kept by the AOF)
 * flowdesk reconnects by itself and the same card's Run starts exactly one flow run.
 */
import { ANN, expectStillServing, type FaultEnv, isStatusCard, shown, startFaultEnv } from './fault-env';
import { type RedisProcess, startRedisProcess } from './redis-process';

const STATE_STORE = /state store \(Redis\).*Nothing was changed/s;

let redis: RedisProcess;
let env: FaultEnv;

beforeAll(async () => {
  redis = await startRedisProcess();
  env = await startFaultEnv({ file: 'redis-outage', redisUrl: redis.url });
});

afterAll(async () => {
  await env?.stop();
  await redis?.dispose();
});

async function waitForReady(timeoutMs: number): Promise<void> {
  await env.slack.waitFor(
    async () => (await env.get('/readyz')).status === 200,
    timeoutMs,
    '/readyz 200 after Redis came back',
  );
}

it('tells users Redis is down, keeps serving, and resumes by itself with one run', async () => {
  expect((await env.get('/readyz')).status).toBe(200);
  const card = await env.ask('refresh dashboard for Q3');

  await redis.kill();

  const ready = await env.get('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body.checks).toMatchObject({ redis: expect.stringMatching(/^down: /), prefect: 'ok' });
  expect((await env.get('/healthz')).status).toBe(200);

  // Run while Redis is down: acknowledged, a private clear message, nothing started.
  expect((await env.click(card, ANN.id)).status).toBe(200);
  const [refusal] = await env.slack.waitForCalls('chat.postEphemeral', 1, (c) => c.args.user === ANN.id);
  expect(shown(refusal)).toMatch(STATE_STORE);
  expect(env.createCalls()).toHaveLength(0);

  // A new message while Redis is down: answered in its thread, not dropped.
  const threadTs = await env.mention('refresh dashboard for Q1');
  const [answer] = await env.slack.waitForCalls('chat.postMessage', 1, (c) => c.args.thread_ts === threadTs);
  expect(shown(answer)).toMatch(STATE_STORE);

  await redis.start();
  await waitForReady(10_000);

  // The card posted before the outage still works, and Run starts exactly one flow run.
  expect((await env.click(card, ANN.id)).status).toBe(200);
  await env.slack.waitForCalls('chat.postMessage', 1, (c) => isStatusCard(c, card.threadTs));
  expect((await env.request(card.requestId)).status).toBe('submitted');
  // Presses after the run started (a second replica, an impatient user) start nothing more.
  await Promise.all([env.click(card, ANN.id), env.click(card, ANN.id)]);
  await env.slack.waitForCalls('chat.postEphemeral', 2, (c) => /already started/.test(shown(c)));
  expect(env.createCalls().filter((r) => r.status === 201)).toHaveLength(1);
  expect(env.prefect.runs().filter((r) => r.idempotency_key === card.requestId)).toHaveLength(1);
  expect(env.slack.okCallsOf('chat.postMessage').filter((c) => isStatusCard(c, card.threadTs))).toHaveLength(
    1,
  );
  await expectStillServing(env);
});

it('survives Redis dying while a run is being created, without a second run', async () => {
  env.slack.reset();
  const card = await env.ask('refresh dashboard for Q2');
  // Prefect answers slowly; Redis dies while the create call is in flight.
  const sent = env.createCalls().length;
  env.prefect.delayNext('POST', /\/create_flow_run$/, 400);
  expect((await env.click(card, ANN.id)).status).toBe(200);
  await env.slack.waitFor(() => env.createCalls().length > sent, 3000, 'create_flow_run sent');
  await redis.kill();
  const [message] = await env.slack.waitForCalls(
    'chat.postEphemeral',
    1,
    (c) => c.args.user === ANN.id,
    5000,
  );
  // The run exists in Prefect: the user is told so (with its link), not that nothing was started.
  const [run] = env.prefect.runs().filter((r) => r.idempotency_key === card.requestId);
  expect(run).toBeDefined();
  expect(shown(message)).not.toMatch(/Nothing was (changed|started)/);
  expect(shown(message)).toContain(`was started in Prefect (${env.prefect.uiUrl}/runs/flow-run/${run.id})`);
  expect(shown(message)).toContain('will not start a second run');

  await redis.start();
  await waitForReady(10_000);
  // Pressing Run again right away is told the start is under way; it never creates a second run.
  await env.click(card, ANN.id);
  const [again] = await env.slack.waitForCalls(
    'chat.postEphemeral',
    1,
    (c) => c.args.user === ANN.id && c !== message,
  );
  expect(shown(again)).toMatch(/already being started/);
  expect((await env.request(card.requestId)).status).toBe('submitting');
  expect(env.prefect.runs().filter((r) => r.idempotency_key === card.requestId)).toHaveLength(1);
  await expectStillServing(env);
});
