/**
 * The "working on it" signal around a slow decision: a reaction (default) or the thread status;
 * with a delay (the default in createSlackApp), a decision that is ready sooner is answered
 * without it.
 */
import { webApi } from '@slack/bolt';
import { withWorkingIndicator } from '../../../src/adapters/slack/working-indicator';
import { FakeSlackServer } from '../../fakes/fake-slack-server';
import { MemoryLogger } from '../../fakes/silent-logger';

const slack = new FakeSlackServer();
let client: webApi.WebClient;
const target = { channel: 'C0SERVICE1', ts: '1750000000.000100', threadTs: '1750000000.000001' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  await slack.start();
  client = new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await slack.stop();
});

beforeEach(() => slack.reset());

it('adds :eyes: before the work and removes it after', async () => {
  const result = await withWorkingIndicator('reaction', client, new MemoryLogger(), target, async () => {
    await slack.waitForCalls('reactions.add');
    expect(slack.callsOf('reactions.remove')).toHaveLength(0);
    return 42;
  });
  expect(result).toBe(42);
  expect(slack.okCallsOf('reactions.remove')[0].args).toMatchObject({
    channel: target.channel,
    timestamp: target.ts,
    name: 'eyes',
  });
});

it('sets and clears the assistant thread status', async () => {
  await withWorkingIndicator('assistant_status', client, new MemoryLogger(), target, async () => 'done');
  const calls = slack.okCallsOf('assistant.threads.setStatus').map((c) => c.args);
  expect(calls).toEqual([
    expect.objectContaining({
      channel_id: target.channel,
      thread_ts: target.threadTs,
      status: 'is working on it…',
    }),
    expect.objectContaining({ channel_id: target.channel, thread_ts: target.threadTs, status: '' }),
  ]);
});

it('removes the reaction even when the work fails, and never fails because of it', async () => {
  slack.failNext('reactions.add', 'missing_scope');
  await expect(
    withWorkingIndicator('reaction', client, new MemoryLogger(), target, async () => {
      throw new Error('engine down');
    }),
  ).rejects.toThrow('engine down');
  expect(slack.callsOf('reactions.remove')).toHaveLength(1);
});

describe('with a delay', () => {
  it('makes no Slack call when the work finishes within the delay', async () => {
    const result = await withWorkingIndicator('reaction', client, new MemoryLogger(), target, async () => 7, {
      delayMs: 200,
    });
    expect(result).toBe(7);
    await sleep(300);
    expect(slack.callsOf('reactions.add')).toHaveLength(0);
    expect(slack.callsOf('reactions.remove')).toHaveLength(0);
  });

  it('shows the reaction once the work outlasts the delay, and removes it after', async () => {
    await withWorkingIndicator(
      'reaction',
      client,
      new MemoryLogger(),
      target,
      async () => {
        await slack.waitForCalls('reactions.add');
        expect(slack.callsOf('reactions.remove')).toHaveLength(0);
      },
      { delayMs: 20 },
    );
    expect(slack.okCallsOf('reactions.remove')[0]?.args).toMatchObject({
      channel: target.channel,
      timestamp: target.ts,
      name: 'eyes',
    });
  });

  it('sets and clears the thread status only for slow work', async () => {
    await withWorkingIndicator('assistant_status', client, new MemoryLogger(), target, async () => 'quick', {
      delayMs: 200,
    });
    expect(slack.callsOf('assistant.threads.setStatus')).toHaveLength(0);
    await withWorkingIndicator('assistant_status', client, new MemoryLogger(), target, () => sleep(120), {
      delayMs: 10,
    });
    expect(slack.okCallsOf('assistant.threads.setStatus').map((call) => call.args.status)).toEqual([
      'is working on it…',
      '',
    ]);
  });
});
