/**
 * The Bolt app over real HTTP with signed Slack requests: mentions, DMs, thread follow-ups,
 * App Home, event dedupe, signature checks and bad bodies. Engine: the hand-written fake.
 */
import { request } from 'node:http';
import type { MessageInput } from '../../../src/core/engine-api';
import { FAKE_PROCESS } from '../../fakes/fake-engine';
import { FAKE_BOT } from '../../fakes/fake-slack-server';
import {
  appHomeOpenedEvent,
  mentionEvent,
  messageEvent,
  newEventId,
  newTs,
  postEvent,
  postSigned,
} from '../../helpers/slack-requests';
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
  env = await startSlackTestEnv({ file: 'slack-events' });
});

afterAll(async () => {
  await env.stop();
});

beforeEach(() => {
  env.slack.reset();
  env.fakeEngine.calls.length = 0;
});

const posted = (filter: (args: Record<string, unknown>) => boolean = () => true) =>
  env.slack.okCallsOf('chat.postMessage').filter((c) => filter(c.args));

describe('app_mention', () => {
  it('answers in the thread of the message with a confirmation card, showing it is working meanwhile', async () => {
    const ts = newTs();
    const result = await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({
        user: REQUESTER.id,
        channel: CHANNEL,
        text: `<@${FAKE_BOT.userId}> refresh the Q2 dashboard`,
        ts,
      }),
    );
    expect(result.status).toBe(200);
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(reply.args.channel).toBe(CHANNEL);
    expect(reply.args.thread_ts).toBe(ts);
    expect(typeof reply.args.text).toBe('string');
    expect(JSON.stringify(reply.args.blocks)).toContain('Refresh sales dashboard');
    expect(JSON.stringify(reply.args.blocks)).toContain('flowdesk_run');

    const input = env.fakeEngine.callsOf('handleMessage')[0] as MessageInput;
    expect(input.text).toBe('refresh the Q2 dashboard');
    expect(input.thread).toEqual({ channel: CHANNEL, threadTs: ts, isDm: false });
    expect(input.requester).toEqual({
      id: REQUESTER.id,
      name: 'Ann Example',
      email: 'ann@example.com',
      tz: 'Europe/Paris',
    });

    const added = env.slack.okCallsOf('reactions.add')[0];
    expect(added.args).toMatchObject({ channel: CHANNEL, timestamp: ts, name: 'eyes' });
    await env.slack.waitForCalls('reactions.remove');
    expect(added.at).toBeLessThanOrEqual(reply.at);
    expect(env.slack.invalidCalls()).toEqual([]);
  });

  it('replies in the existing thread when mentioned inside one', async () => {
    const threadTs = newTs();
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello`, threadTs }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(reply.args.thread_ts).toBe(threadTs);
    expect(reply.args.text).toBe('Hello Ann Example!');
  });

  it('gives one reply when Slack delivers the same event three times', async () => {
    const event = mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello` });
    const first = await postEvent(env.eventsUrl, SIGNING_SECRET, event);
    const second = await postEvent(env.eventsUrl, SIGNING_SECRET, event, { retryNum: 1 });
    const third = await postEvent(env.eventsUrl, SIGNING_SECRET, event, { retryNum: 2 });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    await env.slack.waitForCalls('chat.postMessage');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted()).toHaveLength(1);
    // Every delivery names the same message, so the engine handles it once.
    const inputs = env.fakeEngine.callsOf('handleMessage') as MessageInput[];
    expect(inputs).toHaveLength(3);
    expect(new Set(inputs.map((input) => input.once?.key))).toEqual(
      new Set([`slack:msg:${CHANNEL}:${event.event.ts}`]),
    );
  });

  it('shows a safe error message when the engine fails', async () => {
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> explode please` }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(reply.args.text).toContain('Prefect is not reachable');
    expect(JSON.stringify(reply.args)).not.toContain('Prefect down in fake');
  });

  it('lists suggestions when nothing fits', async () => {
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({
        user: REQUESTER.id,
        channel: CHANNEL,
        text: `<@${FAKE_BOT.userId}> what's the weather`,
      }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(JSON.stringify(reply.args.blocks)).toContain('Did you mean');
    expect(JSON.stringify(reply.args.blocks)).toContain('Refresh sales dashboard');
  });

  it('falls back to the user id and UTC when users.info fails', async () => {
    env.slack.failNext('users.info', 'user_not_found');
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: 'U0UNKNOWN9', channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello` }),
    );
    await env.slack.waitForCalls('chat.postMessage');
    const input = env.fakeEngine.callsOf('handleMessage')[0] as MessageInput;
    expect(input.requester).toEqual({ id: 'U0UNKNOWN9', name: 'U0UNKNOWN9', tz: 'UTC' });
    expect(
      env.logger.entries.some((e) => e.level === 'warn' && String(e.msg).includes('users.info failed')),
    ).toBe(true);
  });
});

describe('Slack API failures', () => {
  it('logs a refused reply (not_in_channel) and keeps serving', async () => {
    env.slack.failNext('chat.postMessage', 'not_in_channel');
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello` }),
    );
    await env.slack.waitFor(() => env.slack.callsOf('chat.postMessage').length === 1);
    await env.slack.waitFor(() =>
      env.logger.entries.some((e) => e.level === 'error' && JSON.stringify(e.obj).includes('not_in_channel')),
    );
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello` }),
    );
    await env.slack.waitForCalls('chat.postMessage');
  });

  it('still answers when the working reaction cannot be added (network error)', async () => {
    env.slack.failNext('reactions.add', { network: true });
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello` }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(reply.args.text).toBe('Hello Ann Example!');
  });
});

describe('direct messages', () => {
  it('answers a DM in the thread of that message', async () => {
    const ts = newTs();
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      messageEvent({
        user: REQUESTER.id,
        channel: 'D0ANNDM01',
        channelType: 'im',
        text: 'refresh q4 please',
        ts,
      }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(reply.args).toMatchObject({ channel: 'D0ANNDM01', thread_ts: ts });
    const input = env.fakeEngine.callsOf('handleMessage')[0] as MessageInput;
    expect(input.thread.isDm).toBe(true);
  });

  it('ignores bot messages and message subtypes', async () => {
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      messageEvent({
        user: OTHER_USER.id,
        channel: 'D0ANNDM01',
        channelType: 'im',
        text: 'hello',
        botId: 'B0OTHER01',
      }),
    );
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      messageEvent({
        user: REQUESTER.id,
        channel: 'D0ANNDM01',
        channelType: 'im',
        text: 'hello',
        subtype: 'message_changed',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(env.fakeEngine.callsOf('handleMessage')).toHaveLength(0);
    expect(posted()).toHaveLength(0);
  });
});

describe('thread follow-ups in channels', () => {
  it('answers a reply without a mention only in threads the bot takes part in', async () => {
    const knownThread = newTs();
    await env.store.saveContext(
      {
        thread: { channel: CHANNEL, threadTs: knownThread, isDm: false },
        turns: [],
        updatedAt: new Date().toISOString(),
      },
      600,
    );
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      messageEvent({
        user: REQUESTER.id,
        channel: CHANNEL,
        channelType: 'channel',
        text: 'hello again',
        threadTs: newTs(),
      }),
    );
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      messageEvent({
        user: REQUESTER.id,
        channel: CHANNEL,
        channelType: 'channel',
        text: 'hello there',
        threadTs: knownThread,
      }),
    );
    const [reply] = await env.slack.waitForCalls('chat.postMessage');
    expect(reply.args.thread_ts).toBe(knownThread);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.fakeEngine.callsOf('handleMessage')).toHaveLength(1);
    expect((env.fakeEngine.callsOf('handleMessage')[0] as MessageInput).text).toBe('hello there');
  });

  it('leaves a mention in a thread to app_mention (no double answer)', async () => {
    const threadTs = newTs();
    await env.store.saveContext(
      { thread: { channel: CHANNEL, threadTs, isDm: false }, turns: [], updatedAt: new Date().toISOString() },
      600,
    );
    const ts = newTs();
    const text = `<@${FAKE_BOT.userId}> hello`;
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      messageEvent({ user: REQUESTER.id, channel: CHANNEL, channelType: 'channel', text, threadTs, ts }),
    );
    await postEvent(
      env.eventsUrl,
      SIGNING_SECRET,
      mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text, threadTs, ts }),
    );
    await env.slack.waitForCalls('chat.postMessage');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted()).toHaveLength(1);
  });
});

describe('App Home', () => {
  it('publishes your recent requests and the processes you may request', async () => {
    await postEvent(env.eventsUrl, SIGNING_SECRET, appHomeOpenedEvent(REQUESTER.id));
    const [publish] = await env.slack.waitForCalls('views.publish');
    expect(publish.args.user_id).toBe(REQUESTER.id);
    const view = publish.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(JSON.stringify(view.blocks)).toContain('Your recent requests');
    expect(JSON.stringify(view.blocks)).toContain('refresh the Q3 sales dashboard');
  });

  it('lists a channel-limited process (channels not checked) with where it works', async () => {
    const limited = {
      ...FAKE_PROCESS,
      id: 'open-incident',
      title: 'Open an incident',
      access: { channels: ['C0123ABC', 'C0456DEF'] },
    };
    env.fakeEngine.processes = [FAKE_PROCESS, limited];
    try {
      await postEvent(env.eventsUrl, SIGNING_SECRET, appHomeOpenedEvent(REQUESTER.id));
      const [publish] = await env.slack.waitForCalls('views.publish');
      // Asked without a channel: a process usable somewhere is listed, wherever the tab is opened.
      const asked = env.fakeEngine.calls.find((c) => c.method === 'listProcesses');
      expect(asked).toBeDefined();
      expect((asked?.input ?? {}) as { channel?: string }).toHaveProperty('channel', undefined);
      const blocks = (publish.args.view as { blocks: Array<{ type: string }> }).blocks;
      const blockAfter = (title: string) => {
        const index = blocks.findIndex(
          (b) => b.type === 'section' && JSON.stringify(b).includes(`*${title}*`),
        );
        expect(index).toBeGreaterThanOrEqual(0);
        return JSON.stringify(blocks[index + 1]);
      };
      expect(blockAfter('Open an incident')).toContain('Only in <#C0123ABC> and <#C0456DEF>');
      expect(blockAfter(FAKE_PROCESS.title)).not.toContain('Only in');
    } finally {
      env.fakeEngine.processes = [FAKE_PROCESS];
    }
  });

  it('does nothing for the messages tab', async () => {
    await postEvent(env.eventsUrl, SIGNING_SECRET, appHomeOpenedEvent(REQUESTER.id, 'messages'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.slack.callsOf('views.publish')).toHaveLength(0);
  });
});

describe('request authenticity and bad input', () => {
  const event = () =>
    mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> hello` });

  it('rejects a forged signature with 401 and does nothing', async () => {
    const result = await postEvent(env.eventsUrl, SIGNING_SECRET, event(), {
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(result.status).toBe(401);
    const wrongSecret = await postEvent(env.eventsUrl, 'not-the-secret', event());
    expect(wrongSecret.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.fakeEngine.calls).toHaveLength(0);
    expect(env.slack.calls).toHaveLength(0);
  });

  it('rejects a stale timestamp (replay) with 401', async () => {
    const result = await postEvent(env.eventsUrl, SIGNING_SECRET, event(), {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(result.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.fakeEngine.calls).toHaveLength(0);
  });

  it('answers garbage with 4xx and keeps serving', async () => {
    const signedGarbage = await postSigned(env.eventsUrl, SIGNING_SECRET, '{not json', 'application/json');
    expect(signedGarbage.status).toBe(400);
    const unsigned = await fetch(env.eventsUrl, { method: 'POST', body: '\u0000\u0001garbage' });
    expect(unsigned.status).toBe(401);
    const oversized = await postSigned(
      env.eventsUrl,
      SIGNING_SECRET,
      JSON.stringify({ x: 'y'.repeat(5 * 1024 * 1024) }),
      'application/json',
    );
    expect(oversized.status).toBe(413);
    const health = await fetch(`${env.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const missing = await fetch(`${env.baseUrl}/nope`);
    expect(missing.status).toBe(404);

    await postEvent(env.eventsUrl, SIGNING_SECRET, event());
    await env.slack.waitForCalls('chat.postMessage');
    expect(env.fakeEngine.callsOf('handleMessage')).toHaveLength(1);
  });

  it('serves the side routes by plain path, and any other spelling or method as Bolt would', async () => {
    const status = (path: string, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(env.baseUrl);
        request({ host: url.hostname, port: url.port, path, method }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await status('/healthz?probe=1')).toBe(200);
    expect(await status('/x/../healthz')).toBe(200); // not a plain path: Bolt's router normalises it
    expect(await status('/healthz', 'POST')).toBe(404);
    expect(await status('/healthz/extra')).toBe(404);
  });

  it('answers the url_verification challenge', async () => {
    const result = await postEvent(env.eventsUrl, SIGNING_SECRET, {
      token: 'legacy',
      challenge: 'challenge-123',
      type: 'url_verification',
      event_id: newEventId(),
    });
    expect(result.status).toBe(200);
    expect(result.body).toContain('challenge-123');
  });
});
