/**
 * The harness of the fault tests: flowdesk wired as `flowdesk start` wires it (buildRuntime, the
 * start routes with /readyz and /metrics, startSlackBot in HTTP mode), against the fake Slack Web
 * API, the fake Prefect server and, when asked, the fake OpenAI server — the same set-up as the Slack
 * end-to-end tests in test/adapters/slack/, plus knobs to break each dependency. Requests are signed
 * like Slack's.
 *
 * "Nothing crashes": jest-circus fails the running test on any unhandledRejection or
 * uncaughtException in the code under test (it owns those process events; a listener added from a
 * test file sits on jest's sandboxed `process` and would never fire), and each test file checks that
 * the app still serves HTTP after every fault.
 */
import { join } from 'node:path';
import { createMetrics } from '../../src/adapters/http/metrics';
import { ACTION } from '../../src/adapters/slack/action-ids';
import { type SlackBot, startSlackBot } from '../../src/adapters/slack/start-slack';
import { buildRuntime, type Runtime, type RuntimeOptions } from '../../src/app/build-runtime';
import { createStartRoutes, type StartRoutes } from '../../src/app/start-routes';
import { loadConfig } from '../../src/config';
import type { RequestRecord } from '../../src/core/types';
import { adminConnection, deleteKeys, REDIS_URL, uniquePrefix } from '../adapters/store/redis-test-support';
import { FakePrefectServer } from '../fakes/fake-prefect-server';
import { FakeSlackServer, type RecordedCall } from '../fakes/fake-slack-server';
import { MemoryLogger } from '../fakes/silent-logger';
import {
  blockActionPayload,
  mentionEvent,
  messageEvent,
  newTs,
  postAction,
  postEvent,
} from '../helpers/slack-requests';

export const SECRET = 'faults-signing-secret-0123456789abcdef';
export const ANN = {
  id: 'U0ANN0001',
  name: 'ann',
  real_name: 'Ann Example',
  email: 'ann@example.com',
  tz: 'Europe/Paris',
};
export const BOB = {
  id: 'U0BOB0002',
  name: 'bob',
  real_name: 'Bob Other',
  email: 'bob@example.com',
  tz: 'UTC',
};
export const CHANNEL = 'C0SERVICE1';
const BOT_USER = 'UBOT00001';
const PROCESS_MAPS = join(__dirname, '../fixtures/slack/process-maps');

/** Fast enough for tests, same shape as production: retries with back-off, then a clear failure. */
export const FAST_PREFECT = {
  timeoutMs: 1000,
  retry: { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
};

export interface Card {
  requestId: string;
  channel: string;
  threadTs: string;
  call: RecordedCall;
  /** How long flowdesk took to answer Slack's HTTP request (the 3-second ack). */
  ackMs?: number;
}

export interface FaultEnvOptions {
  file: string;
  /** Default: the shared test Redis (REDIS_URL). */
  redisUrl?: string;
  /** Extra environment (OPENAI_API_KEY, FLOWDESK_ROUTER…). */
  env?: Record<string, string>;
  tuning?: RuntimeOptions['tuning'];
}

export interface FaultEnv {
  slack: FakeSlackServer;
  prefect: FakePrefectServer;
  runtime: Runtime;
  bot: SlackBot;
  logger: MemoryLogger;
  baseUrl: string;
  eventsUrl: string;
  ask(text: string, options?: { user?: string; dm?: boolean }): Promise<Card>;
  /** Posts a mention and returns its thread ts (for answers that are not cards). */
  mention(text: string, options?: { user?: string; threadTs?: string }): Promise<string>;
  click(card: Card, user: string, actionId?: string): ReturnType<typeof postAction>;
  request(id: string): Promise<RequestRecord>;
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Successful create_flow_run answers (201 created, 200 idempotent replay). */
  createCalls(): ReturnType<FakePrefectServer['requestsTo']>;
  stop(): Promise<void>;
}

export async function startFaultEnv(options: FaultEnvOptions): Promise<FaultEnv> {
  const slack = new FakeSlackServer();
  await slack.start();
  for (const user of [ANN, BOB]) slack.addUser(user);
  const prefect = new FakePrefectServer();
  await prefect.start();
  addDeployments(prefect);
  const prefix = uniquePrefix(options.file);
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PREFECT_API_URL: prefect.url,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    FLOWDESK_REDIS_PREFIX: prefix,
    FLOWDESK_ROUTER: 'local',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const logger = new MemoryLogger();
  const metrics = createMetrics(undefined, { defaultMetrics: false });
  const runtime = await buildRuntime(config, {
    mode: 'start',
    processMapsPath: PROCESS_MAPS,
    logger,
    metrics,
    tuning: { prefect: FAST_PREFECT, ...options.tuning },
  });
  const routes: StartRoutes = createStartRoutes(runtime, metrics);
  const bot = await startSlackBot(runtime, {
    port: 0,
    routes: routes.routes,
    onApiError: metrics.countSlackApiError,
  });
  const baseUrl = `http://127.0.0.1:${bot.port}`;
  const eventsUrl = `${baseUrl}/slack/events`;

  const env: FaultEnv = {
    slack,
    prefect,
    runtime,
    bot,
    logger,
    baseUrl,
    eventsUrl,
    async mention(text, opts = {}) {
      const ts = newTs();
      const event = mentionEvent({
        user: opts.user ?? ANN.id,
        channel: CHANNEL,
        text: `<@${BOT_USER}> ${text}`,
        ts,
        ...(opts.threadTs ? { threadTs: opts.threadTs } : {}),
      });
      const response = await postEvent(eventsUrl, SECRET, event);
      if (response.status !== 200) throw new Error(`mention answered ${response.status}`);
      return ts;
    },
    async ask(text, opts = {}) {
      const user = opts.user ?? ANN.id;
      const ts = newTs();
      const channel = opts.dm ? `D${user.slice(1)}` : CHANNEL;
      const event = opts.dm
        ? messageEvent({ user, channel, channelType: 'im', text, ts })
        : mentionEvent({ user, channel, text: `<@${BOT_USER}> ${text}`, ts });
      const response = await postEvent(eventsUrl, SECRET, event);
      if (response.status !== 200) throw new Error(`event answered ${response.status}`);
      const [call] = await slack.waitForCalls(
        'chat.postMessage',
        1,
        (c) => c.args.thread_ts === ts && buttonValue(c, ACTION.run) !== undefined,
      );
      return {
        requestId: buttonValue(call, ACTION.run) as string,
        channel,
        threadTs: ts,
        call,
        ackMs: response.ms,
      };
    },
    click(card, user, actionId = ACTION.run) {
      return postAction(
        eventsUrl,
        SECRET,
        blockActionPayload({
          user,
          actionId,
          value: card.requestId,
          channel: card.channel,
          messageTs: String(card.call.response.ts),
          threadTs: card.threadTs,
          blocks: card.call.args.blocks as unknown[],
          responseUrl: slack.responseUrl('faults'),
        }),
      );
    },
    async request(id) {
      const found = await runtime.store.getRequest(id);
      if (!found) throw new Error(`no request ${id}`);
      return found;
    },
    async get(path) {
      const response = await fetch(`${baseUrl}${path}`);
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
    },
    createCalls: () => prefect.requestsTo('POST', /\/deployments\/[^/]+\/create_flow_run$/),
    async stop() {
      await routes.stop();
      await bot.stop();
      await runtime.close();
      await slack.stop();
      await prefect.stop();
      if (!options.redisUrl) {
        const admin = adminConnection();
        await deleteKeys(admin, prefix);
        admin.disconnect();
      }
    },
  };
  return env;
}

export function buttonValue(call: RecordedCall, actionId: string): string | undefined {
  for (const block of (call.args.blocks ?? []) as Array<{
    type: string;
    elements?: Array<{ action_id?: string; value?: string }>;
  }>) {
    const found = block.elements?.find((e) => e.action_id === actionId);
    if (found) return found.value;
  }
  return undefined;
}

/** Text of a recorded message: its `text` and every block, for "does the user see X" checks. */
export function shown(call: RecordedCall): string {
  return `${String(call.args.text ?? '')} ${JSON.stringify(call.args.blocks ?? [])}`;
}

/** The status card of a started run ("Open in Prefect") in a thread. */
export function isStatusCard(call: RecordedCall, threadTs: string): boolean {
  return (
    call.args.thread_ts === threadTs && JSON.stringify(call.args.blocks ?? []).includes('Open in Prefect')
  );
}

function addDeployments(prefect: FakePrefectServer): void {
  prefect.addDeployment({
    flowName: 'refresh-dashboard',
    name: 'production',
    parameterSchema: {
      title: 'Parameters',
      type: 'object',
      properties: {
        quarter: { title: 'quarter', type: 'string', enum: ['Q1', 'Q2', 'Q3', 'Q4'], position: 0 },
        rows: { title: 'rows', type: 'integer', minimum: 1, default: 100, position: 1 },
      },
      required: ['quarter'],
    },
  });
  prefect.addDeployment({
    flowName: 'restart-service',
    name: 'production',
    parameterSchema: {
      title: 'Parameters',
      type: 'object',
      properties: { environment: { title: 'environment', type: 'string', enum: ['staging', 'production'] } },
      required: ['environment'],
    },
  });
}

/** After each fault: the app still answers HTTP (nothing crashed, nothing hangs). */
export async function expectStillServing(env: FaultEnv): Promise<void> {
  const health = await env.get('/healthz');
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
