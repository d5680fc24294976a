/**
 * With SLACK_APP_TOKEN the app uses Socket Mode: it opens a connection with the app-level token
 * (apps.connections.open) instead of listening for HTTP requests, and a refused token fails start().
 * End to end: the fake Web API hands out the URL of a local Socket Mode gateway, which sends
 * events, commands and clicks as envelopes and records the acks the app sends back.
 */
import { ACTION } from '../../../src/adapters/slack/action-ids';
import { createSlackApp, type SlackApp } from '../../../src/adapters/slack/create-slack-app';
import { createMemoryStore } from '../../../src/adapters/store/memory-store';
import type { MessageInput } from '../../../src/core/engine-api';
import type { Store } from '../../../src/core/ports';
import { FakeEngine } from '../../fakes/fake-engine';
import { FAKE_BOT, FakeSlackServer } from '../../fakes/fake-slack-server';
import { FakeSocketModeServer } from '../../fakes/fake-socket-mode-server';
import { MemoryLogger } from '../../fakes/silent-logger';
import { blockActionPayload, commandFields, mentionEvent, newTs } from '../../helpers/slack-requests';

const APP_TOKEN = 'xapp-1-A0TEST-123-abc';
const REQUESTER = { id: 'U0ANN0001', name: 'ann', real_name: 'Ann Example', tz: 'Europe/Paris' };
const CHANNEL = 'C0SERVICE1';

const slack = new FakeSlackServer();
const gateway = new FakeSocketModeServer();

beforeAll(async () => {
  await slack.start();
  await gateway.start();
  slack.addUser(REQUESTER);
});

afterAll(async () => {
  await gateway.close();
  await slack.stop();
});

interface SocketApp {
  app: SlackApp;
  engine: FakeEngine;
  store: Store;
}

function createSocketApp(): SocketApp {
  const store = createMemoryStore();
  const engine = new FakeEngine(store);
  const app = createSlackApp({
    config: {
      botToken: slack.token,
      appToken: APP_TOKEN,
      apiUrl: slack.apiUrl,
      port: 0,
      botId: FAKE_BOT.botId,
      botUserId: FAKE_BOT.userId,
    },
    engine,
    store,
    logger: new MemoryLogger(),
    admins: [],
    clientOptions: { retryConfig: { retries: 0 } },
  });
  return { app, engine, store };
}

it('connects through apps.connections.open with the app token', async () => {
  slack.failNext('apps.connections.open', 'invalid_auth', 3);
  const { app } = createSocketApp();
  await expect(app.start()).rejects.toThrow(/invalid_auth/);
  const [open] = slack.callsOf('apps.connections.open');
  expect(open.token).toBe(APP_TOKEN);
  expect(slack.callsOf('auth.test')).toHaveLength(0);
  await app.stop();
});

describe('over a Socket Mode connection', () => {
  let socket: SocketApp;

  beforeAll(async () => {
    slack.reset(); // the scripted failures left over above
    slack.setSocketModeUrl(() => gateway.nextUrl());
    socket = createSocketApp();
    await socket.app.start();
  });

  afterAll(async () => {
    await socket.app.stop();
  });

  beforeEach(() => {
    slack.reset();
    socket.engine.calls.length = 0;
  });

  const mention = (text: string, ts = newTs()) =>
    mentionEvent({ user: REQUESTER.id, channel: CHANNEL, text: `<@${FAKE_BOT.userId}> ${text}`, ts });

  it('says hello with the URL apps.connections.open gave, and start() resolves on it', () => {
    expect(gateway.connections).toHaveLength(1);
    expect(gateway.connections[0].path).toBe('/link/?ticket=ticket-1&app_id=A0TEST');
    expect(gateway.openConnections()).toHaveLength(1);
  });

  it('acks an app_mention envelope and answers in the thread through the Web API', async () => {
    const event = mention('hello');
    const envelopeId = gateway.pushEvent(event);
    const ack = await gateway.waitForAck(envelopeId);
    expect(ack.data).toEqual({ envelope_id: envelopeId, payload: {} });

    const [reply] = await slack.waitForCalls('chat.postMessage');
    expect(reply.args).toMatchObject({
      channel: CHANNEL,
      thread_ts: event.event.ts,
      text: 'Hello Ann Example!',
    });
    const input = socket.engine.callsOf('handleMessage')[0] as MessageInput;
    expect(input.text).toBe('hello');
    expect(input.thread).toEqual({ channel: CHANNEL, threadTs: event.event.ts, isDm: false });
  });

  it('answers once when Slack redelivers the event (retry_attempt)', async () => {
    const event = mention('hello again');
    const first = gateway.pushEvent(event);
    await slack.waitForCalls('chat.postMessage');
    const again = gateway.pushEvent(event, { retryAttempt: 1, retryReason: 'timeout' });
    expect(again).not.toBe(first);
    await gateway.waitForAck(first);
    await gateway.waitForAck(again);
    // The redelivery reached the engine (its claim of the message failed), so it was decided.
    await slack.waitFor(() => socket.engine.callsOf('handleMessage').length === 2, 3000, 'the redelivery');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.okCallsOf('chat.postMessage')).toHaveLength(1);
  });

  it('answers /flowdesk help in the ack of its slash_commands envelope', async () => {
    const envelopeId = gateway.pushSlashCommand(
      commandFields({ user: REQUESTER.id, text: 'help', channel: CHANNEL, responseUrl: slack.responseUrl() }),
    );
    const ack = await gateway.waitForAck(envelopeId);
    const payload = ack.data?.payload as { response_type?: string; text?: string; blocks?: unknown[] };
    expect(payload.response_type).toBe('ephemeral');
    expect(payload.text).toContain('*flowdesk commands*');
    expect(payload.text).toContain('`/flowdesk whoami`');
    expect(payload.blocks?.length).toBeGreaterThan(0);
    expect(slack.callsOf('response_url')).toHaveLength(0);
  });

  it('acks other sub-commands at once and answers them through response_url', async () => {
    const envelopeId = gateway.pushSlashCommand(
      commandFields({
        user: REQUESTER.id,
        text: 'whoami',
        channel: CHANNEL,
        responseUrl: slack.responseUrl('whoami'),
      }),
    );
    const ack = await gateway.waitForAck(envelopeId);
    expect(ack.data).toEqual({ envelope_id: envelopeId, payload: {} });
    const [answer] = await slack.waitForCalls('response_url', 1, (c) => c.args.id === 'whoami');
    expect(answer.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.args.text)).toContain(`You are Ann Example (${REQUESTER.id})`);
  });

  it('acks a Run click in an interactive envelope and starts the request', async () => {
    const threadTs = newTs();
    gateway.pushEvent(mention('refresh q2', threadTs));
    const [card] = await slack.waitForCalls('chat.postMessage', 1, (c) => c.args.thread_ts === threadTs);
    const actions = (card.args.blocks as Array<{ type: string; elements?: Array<{ value?: string }> }>).find(
      (b) => b.type === 'actions',
    );
    const requestId = actions?.elements?.[0]?.value ?? '';
    await slack.waitFor(
      async () => (await socket.store.getRequest(requestId))?.messages.card,
      2000,
      'card ref',
    );

    const envelopeId = gateway.pushInteractive(
      blockActionPayload({
        user: REQUESTER.id,
        actionId: ACTION.run,
        value: requestId,
        channel: CHANNEL,
        messageTs: String(card.response.ts),
        threadTs,
        blocks: card.args.blocks as unknown[],
        responseUrl: slack.responseUrl('action'),
      }),
    );
    const ack = await gateway.waitForAck(envelopeId);
    expect(ack.data).toEqual({ envelope_id: envelopeId, payload: {} });
    const [settled] = await slack.waitForCalls('chat.update', 1, (c) => c.args.ts === card.response.ts);
    expect(JSON.stringify(settled.args.blocks)).toContain(`Confirmed by <@${REQUESTER.id}>`);
    expect((await socket.store.getRequest(requestId))?.status).toBe('submitted');
    // The status card goes to the thread too; wait for it so it does not land in the next test.
    const [status] = await slack.waitForCalls('chat.postMessage', 1, (c) =>
      JSON.stringify(c.args.blocks).includes('Open in Prefect'),
    );
    expect(status.args.thread_ts).toBe(threadTs);
    await slack.waitFor(async () => (await socket.store.getRequest(requestId))?.messages.status, 2000);
  });

  // @slack/socket-mode waits clientPingTimeout (5 s by default; flowdesk does not set it) before
  // reconnecting after a disconnect, so this test takes about 5 s.
  it('reconnects when Slack asks it to (refresh_requested) and answers on the new connection', async () => {
    const before = gateway.connections.length;
    const old = gateway.openConnections().at(-1);
    gateway.requestDisconnect('refresh_requested');
    // The client closes the old connection cleanly (close frame 1000) …
    await gateway.waitFor(() => old?.closedWith, 2000, 'the old connection to close');
    expect(old?.closedWith).toBe(1000);
    // … asks for a new URL and connects to it.
    const [open] = await slack.waitForCalls('apps.connections.open', 1, () => true, 9000);
    expect(open.token).toBe(APP_TOKEN);
    const connections = await gateway.waitForConnections(before + 1, 3000);
    expect(connections[before].path).toBe(`/link/?ticket=ticket-${before + 1}&app_id=A0TEST`);
    expect(gateway.openConnections()).toEqual([connections[before]]);

    const event = mention('hello after the refresh');
    const envelopeId = gateway.pushEvent(event);
    const ack = await gateway.waitForAck(envelopeId);
    expect(ack.connection).toBe(connections[before].id);
    const [reply] = await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === event.event.ts,
    );
    expect(reply.args.text).toBe('Hello Ann Example!');
  }, 15_000);
});

it('app.stop() closes the socket with a close handshake', async () => {
  slack.reset();
  slack.setSocketModeUrl(() => gateway.nextUrl());
  const { app } = createSocketApp();
  const before = gateway.connections.length;
  await app.start();
  const [connection] = (await gateway.waitForConnections(before + 1)).slice(before);
  expect(connection.closedWith).toBeUndefined();
  await app.stop();
  await gateway.waitFor(() => connection.closedWith, 2000, 'the connection to close');
  expect(connection.closedWith).toBe(1000);
  expect(gateway.openConnections()).toEqual([]);
  expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
});
