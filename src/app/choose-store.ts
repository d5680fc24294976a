/**
 * Redis when it answers; `flowdesk chat` falls back to an in-memory store (and says so) so it
 * works on a fresh machine. The bot (`start`) always uses Redis: it reconnects by itself.
 */
import type Redis from 'ioredis';
import { createMemoryStore } from '../adapters/store/memory-store';
import { connectRedis, describeRedisUrl, isRedisReachable } from '../adapters/store/redis-connection';
import { createRedisStore } from '../adapters/store/redis-store';
import type { Clock, Logger, Store } from '../core/ports';

export interface StoreChoice {
  /** For work people wait on (messages, clicks, commands). */
  store: Store;
  /**
   * The same data for background work (the run follower, the webhook event queue) over a second
   * connection that auto-pipelines, so bursts of events share round trips and writes while people's
   * requests never wait for a batch. The memory store serves both.
   */
  backgroundStore: Store;
  /** The background connection, for other Redis users (the webhook event queue); null for memory. */
  redis: Redis | null;
  /** One line for the chat banner. */
  description: string;
}

export async function chooseStore(options: {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  clock: Clock;
  allowMemory: boolean;
  probeTimeoutMs?: number;
  onError?: (operation: string, error: unknown) => void;
}): Promise<StoreChoice> {
  const where = describeRedisUrl(options.redisUrl);
  if (options.allowMemory && !(await isRedisReachable(options.redisUrl, options.probeTimeoutMs ?? 800))) {
    const store = createMemoryStore({ clock: options.clock });
    return {
      store,
      backgroundStore: store,
      redis: null,
      description: `Redis not reachable at ${where} — using an in-memory store (nothing is kept after you quit)`,
    };
  }
  const storeOn = (redis: Redis) =>
    createRedisStore({
      redis,
      prefix: options.prefix,
      logger: options.logger,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  const background = connectRedis(options.redisUrl, options.logger.child({ connection: 'background' }), {
    autoPipelining: true,
  });
  return {
    store: storeOn(connectRedis(options.redisUrl, options.logger)),
    backgroundStore: storeOn(background),
    redis: background,
    description: `Redis at ${where} (keys under "${options.prefix}")`,
  };
}
