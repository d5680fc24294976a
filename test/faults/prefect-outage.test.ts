/**
 * Prefect failing or slow (SPEC §11): 503s and timeouts are retried with back-off; when Prefect
 * stays down the user is told clearly that nothing was started and the card can be pressed again;
 * a run created while its answer was lost is found again through the idempotency key (the request
 * id), so there is never a second run. /readyz reports Prefect down and recovers by itself.
 */
import {
  ANN,
  expectStillServing,
  FAST_PREFECT,
  type FaultEnv,
  isStatusCard,
  shown,
  startFaultEnv,
} from './fault-env';

const CREATE = /\/deployments\/[^/]+\/create_flow_run$/;
/** Every attempt of one Run press: the first and each retry. */
const ATTEMPTS = FAST_PREFECT.retry.maxRetries + 1;

let env: FaultEnv;

beforeAll(async () => {
  env = await startFaultEnv({ file: 'prefect-outage' });
});

afterAll(async () => {
  await env?.stop();
});

beforeEach(() => {
  env.slack.reset();
});

afterEach(async () => {
  await expectStillServing(env);
});

const runsFor = (requestId: string) => env.prefect.runs().filter((r) => r.idempotency_key === requestId);

async function clickAndWaitForStatus(card: Awaited<ReturnType<FaultEnv['ask']>>) {
  expect((await env.click(card, ANN.id)).status).toBe(200);
  const [status] = await env.slack.waitForCalls(
    'chat.postMessage',
    1,
    (c) => isStatusCard(c, card.threadTs),
    8000,
  );
  return status;
}

it('retries 503s with back-off and starts exactly one run', async () => {
  const card = await env.ask('refresh dashboard for Q1');
  const before = env.createCalls().length;
  env.prefect.failNext('POST', CREATE, 503, { times: 2 });

  await clickAndWaitForStatus(card);

  const calls = env.createCalls().slice(before);
  expect(calls.map((c) => c.status)).toEqual([503, 503, 201]);
  // Back-off: each retry waited at least half a step (equal jitter) after the previous answer.
  expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(FAST_PREFECT.retry.baseDelayMs / 2);
  expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(FAST_PREFECT.retry.baseDelayMs / 2);
  expect(runsFor(card.requestId)).toHaveLength(1);
  expect(env.slack.callsOf('chat.postEphemeral')).toEqual([]);
  expect((await env.request(card.requestId)).run?.flowRunId).toBe(runsFor(card.requestId)[0].id);
});

it('says Prefect is not reachable when it stays down, and Run works once it is back', async () => {
  const card = await env.ask('refresh dashboard for Q2');
  const before = env.createCalls().length;
  env.prefect.failNext('POST', CREATE, 503, { times: ATTEMPTS });

  expect((await env.click(card, ANN.id)).status).toBe(200);
  const [refusal] = await env.slack.waitForCalls(
    'chat.postEphemeral',
    1,
    (c) => c.args.user === ANN.id,
    8000,
  );
  expect(shown(refusal)).toMatch(/Prefect is not reachable right now\. Nothing was started/);
  expect(
    env
      .createCalls()
      .slice(before)
      .map((c) => c.status),
  ).toEqual(Array(ATTEMPTS).fill(503));
  expect(runsFor(card.requestId)).toHaveLength(0);
  // Still confirmable: the card keeps its Run button and the request waits for it.
  expect((await env.request(card.requestId)).status).toBe('awaiting_confirmation');
  expect(env.slack.callsOf('chat.update').filter((c) => c.args.ts === card.call.response.ts)).toEqual([]);

  // Prefect is back: the same card's Run starts exactly one run (same idempotency key).
  await clickAndWaitForStatus(card);
  expect(runsFor(card.requestId)).toHaveLength(1);
  const keys = env
    .createCalls()
    .slice(before)
    .map((c) => (c.body as { idempotency_key?: string }).idempotency_key);
  expect(new Set(keys)).toEqual(new Set([card.requestId]));
  expect((await env.request(card.requestId)).status).toBe('submitted');
});

it('finds the run Prefect created when its answer was lost (timeout), and starts no second one', async () => {
  const card = await env.ask('refresh dashboard for Q3');
  const before = env.createCalls().length;
  // Prefect creates the run 1.2 s later, after the client gave up (1 s) and before its retry
  // (0.5–1 s of back-off): the answer is lost, the retry meets Prefect's idempotency.
  env.prefect.delayNext('POST', CREATE, FAST_PREFECT.timeoutMs + 200);

  const status = await clickAndWaitForStatus(card);

  const calls = env.createCalls().slice(before);
  expect(calls.map((c) => c.status)).toEqual([201, 200]);
  const runs = runsFor(card.requestId);
  expect(runs).toHaveLength(1);
  expect((await env.request(card.requestId)).run?.flowRunId).toBe(runs[0].id);
  expect(shown(status)).toContain(runs[0].id);
  expect(env.slack.callsOf('chat.postEphemeral')).toEqual([]);
});

it('retries a dropped connection and starts exactly one run', async () => {
  const card = await env.ask('refresh dashboard for Q4');
  const before = env.createCalls().length;
  env.prefect.dropNext('POST', CREATE);

  await clickAndWaitForStatus(card);

  expect(
    env
      .createCalls()
      .slice(before)
      .map((c) => c.status),
  ).toEqual([0, 201]);
  expect(runsFor(card.requestId)).toHaveLength(1);
});

it('still drafts a card from the process map while Prefect cannot give the schema', async () => {
  const schemaCalls = () => env.prefect.requestsTo('GET', /^\/deployments\/name\/restart-service\//);
  env.prefect.failNext('GET', /^\/deployments\/name\/restart-service\//, 503, { times: ATTEMPTS });
  const notices = (threadTs: string) =>
    env.slack
      .okCallsOf('chat.postMessage')
      .filter(
        (c) => c.args.thread_ts === threadTs && shown(c).includes('Prefect is not reachable right now'),
      );

  const card = await env.ask('restart payments in staging');
  expect(notices(card.threadTs)).toHaveLength(1);
  expect((await env.request(card.requestId)).parameters).toEqual({ environment: 'staging' });
  // One round of retries for the whole message, not one per schema lookup.
  expect(schemaCalls().map((c) => c.status)).toEqual(Array(ATTEMPTS).fill(503));

  // The next message soon after does not wait on Prefect again.
  const asked = Date.now();
  const next = await env.ask('restart payments in production');
  expect(next.call.at - asked).toBeLessThan(1000);
  expect(notices(next.threadTs)).toHaveLength(1);
  expect(schemaCalls()).toHaveLength(ATTEMPTS);
});

it('/readyz says Prefect is down, with the reason, and recovers by itself', async () => {
  expect((await env.get('/readyz')).status).toBe(200);

  env.prefect.failNext('GET', '/health', 503);
  const down = await env.get('/readyz');
  expect(down.status).toBe(503);
  expect(down.body.checks).toMatchObject({ redis: 'ok', prefect: expect.stringMatching(/^down: .+/) });

  env.prefect.dropNext('GET', '/health');
  expect((await env.get('/readyz')).status).toBe(503);

  const up = await env.get('/readyz');
  expect(up.status).toBe(200);
  expect(up.body.checks).toEqual({ redis: 'ok', prefect: 'ok' });
});
