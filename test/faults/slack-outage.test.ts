/**
 * Slack failing (SPEC §11): a 429 with Retry-After is retried once that time has passed, a dropped
 * connection is retried, and a rate-limited status edit (the notifier's own client) never holds back
 * the answer to someone else.
 */
import { ANN, BOB, expectStillServing, type FaultEnv, isStatusCard, shown, startFaultEnv } from './fault-env';

let env: FaultEnv;

beforeAll(async () => {
  env = await startFaultEnv({ file: 'slack-outage' });
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

it('retries a rate-limited reply after Retry-After, and posts it once', async () => {
  env.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
  const card = await env.ask('refresh dashboard for Q1');

  const attempts = env.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === card.threadTs);
  expect(attempts.map((c) => c.status)).toEqual([429, 200]);
  expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(1000);
  expect(shown(attempts[0])).toBe(shown(attempts[1]));
});

it('retries a reply whose connection Slack dropped, and posts it once', async () => {
  env.slack.failNext('chat.postMessage', { network: true });
  const card = await env.ask('refresh dashboard for Q4');
  const attempts = env.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === card.threadTs);
  expect(attempts.map((c) => c.status)).toEqual([0, 200]);
});

it('does not hold back another user’s answer while a status edit waits out a 429', async () => {
  const card = await env.ask('refresh dashboard for Q2');
  expect((await env.click(card, ANN.id)).status).toBe(200);
  const [status] = await env.slack.waitForCalls('chat.postMessage', 1, (c) => isStatusCard(c, card.threadTs));
  const runId = (await env.request(card.requestId)).run?.flowRunId as string;

  env.slack.failNext('chat.update', { status: 429, retryAfter: 2 });
  env.prefect.setRunState(runId, 'RUNNING', 'Running');
  await env.runtime.follower.pollOnce();
  const [limited] = await env.slack.waitFor(
    () => {
      const found = env.slack.callsOf('chat.update').filter((c) => c.status === 429);
      return found.length > 0 ? found : undefined;
    },
    5000,
    'the rate-limited status edit',
  );
  expect(limited.args.ts).toBe(status.response.ts);

  // Bob asks while the status edit waits: his card comes at once.
  const asked = Date.now();
  const bobCard = await env.ask('refresh dashboard for Q3', { user: BOB.id });
  expect(bobCard.call.at - asked).toBeLessThan(1000);
  expect(bobCard.call.at).toBeLessThan(limited.at + 2000);

  // The status edit is sent again once Retry-After has passed, with the new state.
  const [edited] = await env.slack.waitForCalls(
    'chat.update',
    1,
    (c) => c.args.ts === status.response.ts && shown(c).includes('Running'),
    6000,
  );
  expect(edited.at - limited.at).toBeGreaterThanOrEqual(2000);
});
