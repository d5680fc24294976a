/**
 * Shared set-up for the webhook tests: a real Redis connection (as production makes it), a unique key
 * prefix per test file, a Store-backed sink, queues on a unique stream, and cleanup of every key.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/store/redis-connection';
import { createRedisStore } from '../../../src/adapters/store/redis-store';
import type { NodeHandler } from '../../../src/adapters/webhooks/prefect-webhook-route';
import {
  createRedisEventQueue,
  type RedisEventQueue,
  type RedisEventQueueOptions,
} from '../../../src/adapters/webhooks/redis-event-queue';
import type { Logger, Store } from '../../../src/core/ports';
import { createLogger } from '../../../src/logger';
import { closeServer, listenOnLoopback } from '../../helpers/loopback-server';
import { StoreBackedRunEventSink } from './store-backed-run-event-sink';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface WebhookTestEnv {
  redis: Redis;
  prefix: string;
  stream: string;
  group: string;
  store: Store;
  sink: StoreBackedRunEventSink;
  logger: Logger;
  /** Everything logged so far (JSON lines), to check that secrets never appear. */
  logText(): string;
  queue(consumer: string, overrides?: Partial<RedisEventQueueOptions>): RedisEventQueue;
  cleanup(): Promise<void>;
}

export async function createWebhookTestEnv(file: string): Promise<WebhookTestEnv> {
  const prefix = `test:${file}:${randomBytes(4).toString('hex')}:`;
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const redis = connectRedis(REDIS_URL, logger);
  // Production connections have no offline queue: raw test commands must wait for the connection.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const store = createRedisStore({ redis, prefix, logger });
  const stream = `${prefix}prefect-events`;
  const group = 'flowdesk';
  const queues: RedisEventQueue[] = [];
  return {
    redis,
    prefix,
    stream,
    group,
    store,
    sink: new StoreBackedRunEventSink(store),
    logger,
    logText: () => lines.join(''),
    queue(consumer, overrides = {}) {
      const queue = createRedisEventQueue({ redis, stream, group, consumer, logger, ...overrides });
      queues.push(queue);
      return queue;
    },
    async cleanup() {
      try {
        await Promise.all(queues.map((queue) => queue.stopWorker()));
        await deleteKeys(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pending entries of the group (delivered, not acknowledged). */
export async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  const summary = (await redis.call('XPENDING', [stream, group])) as [number, ...unknown[]];
  return Number(summary[0]);
}

/** Mounts a node handler on a real http server on 127.0.0.1, port 0. */
export async function listen(handler: NodeHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => void handler(req, res));
  const base = await listenOnLoopback(server);
  return { url: `${base}/webhooks/prefect`, close: () => closeServer(server) };
}
