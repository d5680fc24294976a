/**
 * The baseline of the bot-overhead benchmark: a bare Bolt app in HTTP mode whose `app_mention`
 * listener only posts a reply in the thread. Same Bolt version, receiver kind and fake Slack as
 * flowdesk, so the difference between the two is what flowdesk does per message.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Logger, LogLevel } from '@slack/bolt';

export interface BareBoltApp {
  port: number;
  stop(): Promise<void>;
}

export async function startBareBoltApp(options: {
  botToken: string;
  signingSecret: string;
  apiUrl: string;
}): Promise<BareBoltApp> {
  const logger = quietBoltLogger();
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    logger,
    processBeforeResponse: false,
  });
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    clientOptions: { slackApiUrl: options.apiUrl },
    deferInitialization: true,
  });
  app.event('app_mention', async ({ event, client }) => {
    await client.chat.postMessage({
      channel: event.channel,
      thread_ts: event.thread_ts ?? event.ts,
      text: 'Got it.',
    });
  });
  await app.init();
  const server = (await app.start(0)) as Server;
  return { port: (server.address() as AddressInfo).port, stop: () => app.stop().then(() => undefined) };
}

/** Warnings and errors to stderr; stdout is the bench's JSON. */
function quietBoltLogger(): Logger {
  let level = LogLevel.WARN;
  let name = 'bare-bolt';
  const write =
    (kind: string) =>
    (...messages: unknown[]) =>
      process.stderr.write(`[${name}] ${kind}: ${messages.map(String).join(' ')}\n`);
  return {
    debug: () => {},
    info: () => {},
    warn: write('warn'),
    error: write('error'),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
