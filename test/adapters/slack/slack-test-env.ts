/**
 * A running Slack adapter for tests: the real Bolt app over HTTP on 127.0.0.1 (port 0), a fake
 * Slack Web API, a real Redis store under a unique prefix, and an engine (the fake one unless the
 * test passes another).
 */
import Redis from 'ioredis';
import {
  type CreateSlackAppDeps,
  createSlackApp,
  type SlackApp,
} from '../../../src/adapters/slack/create-slack-app';
import { createRedisStore } from '../../../src/adapters/store/redis-store';
import type { Engine } from '../../../src/core/engine-api';
import type { Logger, Store } from '../../../src/core/ports';
import { FakeEngine } from '../../fakes/fake-engine';
import { FAKE_BOT, FakeSlackServer } from '../../fakes/fake-slack-server';
import { MemoryLogger } from '../../fakes/silent-logger';
import { deleteTestKeys, REDIS_URL, uniquePrefix } from '../store/redis-test-support';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const REQUESTER = {
  id: 'U0ANN0001',
  name: 'ann',
  real_name: 'Ann Example',
  email: 'ann@example.com',
  tz: 'Europe/Paris',
};
export const OTHER_USER = {
  id: 'U0BOB0002',
  name: 'bob',
  real_name: 'Bob Other',
  email: 'bob@example.com',
  tz: 'America/Chicago',
};
export const ADMIN = {
  id: 'U0ADM0003',
  name: 'ada',
  real_name: 'Ada Admin',
  email: 'ada@example.com',
  tz: 'UTC',
};
export const CHANNEL = 'C0SERVICE1';

export interface SlackTestEnv {
  slack: FakeSlackServer;
  store: Store;
  engine: Engine;
  fakeEngine: FakeEngine;
  logger: MemoryLogger;
  app: SlackApp;
  /** `http://127.0.0.1:<port>` of the Bolt app. */
  baseUrl: string;
  eventsUrl: string;
  prefix: string;
  stop(): Promise<void>;
}

export interface SlackTestEnvOptions {
  file: string;
  engine?: (store: Store, logger: Logger) => Engine;
  overrides?: Partial<CreateSlackAppDeps>;
  /** Reuse a Redis prefix (second instance after a "restart"). */
  prefix?: string;
  slack?: FakeSlackServer;
}

export async function startSlackTestEnv(options: SlackTestEnvOptions): Promise<SlackTestEnv> {
  const slack = options.slack ?? new FakeSlackServer();
  const ownsSlack = !options.slack;
  if (ownsSlack) await slack.start();
  const apiUrl = slack.apiUrl;
  for (const user of [REQUESTER, OTHER_USER, ADMIN]) slack.addUser(user);
  const prefix = options.prefix ?? uniquePrefix(options.file);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const logger = new MemoryLogger();
  const store = createRedisStore({ redis, prefix, logger });
  const fakeEngine = new FakeEngine(store);
  const engine = options.engine ? options.engine(store, logger) : fakeEngine;
  const app = createSlackApp({
    config: {
      botToken: slack.token,
      signingSecret: SIGNING_SECRET,
      apiUrl,
      port: 0,
      botId: FAKE_BOT.botId,
      botUserId: FAKE_BOT.userId,
    },
    engine,
    store,
    logger,
    admins: [ADMIN.id],
    clientOptions: { retryConfig: { retries: 0 } },
    notifierMinIntervalMs: 200,
    // The fake engine answers at once: show the working indicator anyway, so tests can see it.
    workingIndicatorDelayMs: 0,
    ...options.overrides,
  });
  const { port } = await app.start(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    slack,
    store,
    engine,
    fakeEngine,
    logger,
    app,
    baseUrl,
    eventsUrl: `${baseUrl}/slack/events`,
    prefix,
    async stop() {
      await app.stop();
      await store.close();
      if (!options.prefix) await deleteTestKeys(prefix);
      if (ownsSlack) await slack.stop();
    },
  };
}
