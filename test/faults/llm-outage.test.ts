/**
 * The LLM failing or slow (SPEC §4, §11): with OPENAI_API_KEY set and the model answering 500 or
 * hanging, the local router decides instead, the reply says the model is unavailable, the request
 * still gets its card, and Slack's 3-second ack is met. Alias commands never wait for the model. When
 * the model answers again it is used again.
 */
import { LLM_UNAVAILABLE_NOTICE } from '../../src/adapters/llm/openai-router';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../fakes/fake-openai-server';
import { expectStillServing, type FaultEnv, shown, startFaultEnv } from './fault-env';

const LLM = { timeoutMs: 400, maxRetries: 1, retryBaseDelayMs: 100 };
/** Not an alias: only a router (model or local) can map it to refresh-dashboard. */
const REQUEST = 'the sales dashboard is stale, please refresh it for Q3';

let openai: FakeOpenAiServer;
let env: FaultEnv;

beforeAll(async () => {
  openai = await startFakeOpenAiServer();
  env = await startFaultEnv({
    file: 'llm-outage',
    env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL, FLOWDESK_ROUTER: 'auto' },
    tuning: { llm: LLM },
  });
  // An alias needs no model call; it makes flowdesk fetch the deployment's parameter schema, which
  // routers only get once known (a router meeting a process for the first time sees no enum for
  // `quarter` and asks for it instead of reading "Q3" — a cold-start gap, not an LLM fault).
  await env.ask('refresh dashboard for Q1');
  expect(openai.requests).toHaveLength(0);
});

afterAll(async () => {
  await env?.stop();
  await openai?.close();
});

beforeEach(() => {
  env.slack.reset();
  openai.requests.length = 0;
});

afterEach(async () => {
  await expectStillServing(env);
  expect(openai.pendingScripts()).toBe(0);
});

async function expectLocalFallbackCard(): Promise<void> {
  const card = await env.ask(REQUEST);
  expect(card.ackMs).toBeLessThan(1000);
  expect(shown(card.call)).toContain('Refresh sales dashboard');
  expect((await env.request(card.requestId)).parameters).toMatchObject({ quarter: 'Q3' });
  const notices = env.slack
    .okCallsOf('chat.postMessage')
    .filter((c) => c.args.thread_ts === card.threadTs && shown(c).includes(LLM_UNAVAILABLE_NOTICE));
  expect(notices).toHaveLength(1);
}

it('answers with the local router when the model answers 500, after retrying it', async () => {
  openai.status(500).status(500);
  await expectLocalFallbackCard();
  expect(openai.requests).toHaveLength(LLM.maxRetries + 1);
});

it('answers with the local router when the model hangs, and still acks Slack at once', async () => {
  openai.hang(30_000).hang(30_000);
  const started = Date.now();
  await expectLocalFallbackCard();
  // Each attempt is cut at its deadline: the card does not wait for the hung model.
  expect(Date.now() - started).toBeLessThan(LLM.timeoutMs * (LLM.maxRetries + 1) + 3000);
  expect(openai.requests).toHaveLength(LLM.maxRetries + 1);
});

it('answers an exact alias command without the model, so a model outage does not slow it', async () => {
  const card = await env.ask('refresh dashboard for Q4');
  expect((await env.request(card.requestId)).parameters).toMatchObject({ quarter: 'Q4' });
  expect(openai.requests).toHaveLength(0);
  expect(
    env.slack.okCallsOf('chat.postMessage').filter((c) => shown(c).includes(LLM_UNAVAILABLE_NOTICE)),
  ).toEqual([]);
});

it('uses the model again as soon as it answers', async () => {
  openai.text('Which quarter should I refresh?');
  const threadTs = await env.mention('can you refresh the sales dashboard');
  const [answer] = await env.slack.waitForCalls('chat.postMessage', 1, (c) => c.args.thread_ts === threadTs);
  expect(shown(answer)).toContain('Which quarter should I refresh?');
  expect(shown(answer)).not.toContain(LLM_UNAVAILABLE_NOTICE);
  expect(openai.requests).toHaveLength(1);
});
