/**
 * A message Slack delivers more than once, end to end (real Bolt app over HTTP, real engine, real
 * Redis): retries that overlap the first delivery, the same message as `app_mention` and
 * `message.im`, deliveries that land on two replicas, and a model router that is not asked twice.
 * The bot claims each message once in Redis while it routes, so a duplicate gets no answer and
 * changes nothing.
 */
import { ACTION } from '../../src/adapters/slack/action-ids';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../fakes/fake-openai-server';
import { FAKE_BOT } from '../fakes/fake-slack-server';
import { mentionEvent, messageEvent, newTs, postEvent } from '../helpers/slack-requests';
import { ANN, buttonValue, CHANNEL, SECRET, SlackWorld, settle } from './slack-world';

let world: SlackWorld;
let openai: FakeOpenAiServer;

beforeAll(async () => {
  openai = await startFakeOpenAiServer();
  world = await SlackWorld.start({ file: 'deliveries-e2e', openai });
  await world.startInstance();
});

afterAll(async () => {
  await world.stop();
  await openai.close();
});

beforeEach(() => {
  world.slack.reset();
});

/** The bot's replies in the thread of `ts`, once stray deliveries have had time to answer too. */
async function repliesIn(ts: string) {
  await world.slack.waitForCalls('chat.postMessage', 1, (c) => c.args.thread_ts === ts);
  await settle();
  return world.slack.okCallsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts);
}

async function requestsOf(ts: string) {
  const recent = await world.runtime.store.listRecentRequests(100);
  return recent.filter((request) => request.thread.threadTs === ts);
}

// An alias: the local router answers it even though the world has a model router.
const ALIAS = 'restart search in staging';

describe('one message delivered several times', () => {
  it('retries that arrive while the first delivery is answered give one card and one request', async () => {
    const ts = newTs();
    const event = mentionEvent({
      user: ANN.id,
      channel: CHANNEL,
      text: `<@${FAKE_BOT.userId}> ${ALIAS}`,
      ts,
    });
    const responses = await Promise.all(
      [0, 1, 2].map((retryNum) =>
        postEvent(world.eventsUrl(), SECRET, event, retryNum === 0 ? {} : { retryNum }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const replies = await repliesIn(ts);
    expect(replies).toHaveLength(1);
    expect(buttonValue(replies[0], ACTION.run)).toBeDefined();
    const requests = await requestsOf(ts);
    expect(requests).toHaveLength(1);
    expect(world.audit(requests[0].id).map((line) => line.action)).toEqual(['requested']);
  });

  it('the same direct message as message.im and app_mention (two event ids) is answered once', async () => {
    const ts = newTs();
    const channel = `D${ANN.id.slice(1)}`;
    const text = `<@${FAKE_BOT.userId}> ${ALIAS}`;
    await Promise.all([
      postEvent(
        world.eventsUrl(),
        SECRET,
        messageEvent({ user: ANN.id, channel, channelType: 'im', text, ts }),
      ),
      postEvent(world.eventsUrl(), SECRET, mentionEvent({ user: ANN.id, channel, text, ts })),
    ]);
    expect(await repliesIn(ts)).toHaveLength(1);
    expect(await requestsOf(ts)).toHaveLength(1);
  });

  it('deliveries that land on two replicas give one card', async () => {
    const ts = newTs();
    const event = mentionEvent({
      user: ANN.id,
      channel: CHANNEL,
      text: `<@${FAKE_BOT.userId}> ${ALIAS}`,
      ts,
    });
    await Promise.all([
      postEvent(world.eventsUrl(0), SECRET, event),
      postEvent(world.eventsUrl(1), SECRET, event, { retryNum: 1 }),
    ]);
    expect(await repliesIn(ts)).toHaveLength(1);
    expect(await requestsOf(ts)).toHaveLength(1);
  });

  it('asks the model once: a duplicate of a message the model routed is not sent to it again', async () => {
    openai.toolCall('run_restart-service', { service: 'payments', environment: 'production' });
    const seen = openai.requests.length;
    const ts = newTs();
    const event = mentionEvent({
      user: ANN.id,
      channel: CHANNEL,
      text: `<@${FAKE_BOT.userId}> payments is stuck in production, could you bounce it?`,
      ts,
    });
    await postEvent(world.eventsUrl(), SECRET, event);
    const [card] = await repliesIn(ts);
    expect(buttonValue(card, ACTION.run)).toBeDefined();
    await postEvent(world.eventsUrl(), SECRET, event, { retryNum: 1 });
    await settle();
    expect(openai.requests.length).toBe(seen + 1);
    expect(await repliesIn(ts)).toHaveLength(1);
  });
});
