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
import { createMetrics } from '../../src/adapters/http/metrics';
import { ACTION } from '../../src/adapters/slack/action-ids';
import { type SlackBot, startSlackBot } from '../../src/adapters/slack/start-slack';
import type { Runtime, RuntimeOptions } from '../../src/app/build-runtime';
import { createStartRoutes, type StartRoutes } from '../../src/app/start-routes';
import type { RequestRecord } from '../../src/core/types';
import { deleteTestKeys, uniquePrefix } from '../adapters/store/redis-test-support';
import { FakePrefectServer } from '../fakes/fake-prefect-server';
import { FAKE_BOT, FakeSlackServer, type RecordedCall } from '../fakes/fake-slack-server';
import { MemoryLogger } from '../fakes/silent-logger';
import {
  addSlackFixtureDeployments,
  buildTestRuntime,
  SLACK_FIXTURE_MAPS,
} from '../helpers/flowdesk-instance';
import { askForCard, buttonValue, type Card, clickCard } from '../helpers/slack-cards';
import { mentionEvent, newTs, postEvent } from '../helpers/slack-requests';

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

/** Fast enough for tests, same shape as production: retries with back-off, then a clear failure. */
export const FAST_PREFECT = {
  timeoutMs: 1000,
  retry: { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
};

export type { Card };

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
  click(card: Card, user: string, actionId?: string): ReturnType<typeof clickCard>;
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
  addSlackFixtureDeployments(prefect);
  const prefix = uniquePrefix(options.file);
  const logger = new MemoryLogger();
  const metrics = createMetrics(undefined, { defaultMetrics: false });
  const runtime = await buildTestRuntime({
    slack,
    prefect,
    signingSecret: SECRET,
    prefix,
    processMapsPath: SLACK_FIXTURE_MAPS,
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...(options.env ? { env: options.env } : {}),
    runtime: { logger, metrics, tuning: { prefect: FAST_PREFECT, ...options.tuning } },
  });
  const routes: StartRoutes = createStartRoutes(runtime, metrics);
  const bot = await startSlackBot(runtime, {
    port: 0,
    routes: routes.routes,
    onApiError: metrics.countSlackApiError,
  });
  const baseUrl = `http://127.0.0.1:${bot.port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  const target = { slack, eventsUrl, secret: SECRET };

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
        text: `<@${FAKE_BOT.userId}> ${text}`,
        ts,
        ...(opts.threadTs ? { threadTs: opts.threadTs } : {}),
      });
      const response = await postEvent(eventsUrl, SECRET, event);
      if (response.status !== 200) throw new Error(`mention answered ${response.status}`);
      return ts;
    },
    ask: (text, opts = {}) =>
      askForCard(target, text, { user: opts.user ?? ANN.id, channel: CHANNEL, dm: opts.dm === true }),
    click: (card, user, actionId = ACTION.run) => clickCard(target, card, user, actionId),
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
      if (!options.redisUrl) await deleteTestKeys(prefix);
    },
  };
  return env;
}

export { buttonValue };

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

/** After each fault: the app still answers HTTP (nothing crashed, nothing hangs). */
export async function expectStillServing(env: FaultEnv): Promise<void> {
  const health = await env.get('/healthz');
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
