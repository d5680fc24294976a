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
  store: Store;
  /** The connection, for other Redis users (the webhook event queue); null for the memory store. */
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
    return {
      store: createMemoryStore({ clock: options.clock }),
      redis: null,
      description: `Redis not reachable at ${where} — using an in-memory store (nothing is kept after you quit)`,
    };
  }
  const redis = connectRedis(options.redisUrl, options.logger);
  const store = createRedisStore({
    redis,
    prefix: options.prefix,
    logger: options.logger,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return { store, redis, description: `Redis at ${where} (keys under "${options.prefix}")` };
}
