/** Every key the Redis store uses, in one place, all under one prefix (one prefix = one flowdesk). */
import type { ThreadRef } from '../../core/types';

export interface RedisKeys {
  request(id: string): string;
  userRequests(userId: string): string;
  recentRequests(): string;
  context(thread: ThreadRef): string;
  run(flowRunId: string): string;
  followed(): string;
  expiries(): string;
  claim(key: string): string;
  lease(key: string): string;
}

export function createRedisKeys(prefix: string): RedisKeys {
  return {
    request: (id) => `${prefix}req:${id}`,
    userRequests: (userId) => `${prefix}user:${userId}:requests`,
    recentRequests: () => `${prefix}requests:recent`,
    context: (thread) => `${prefix}ctx:${thread.channel}:${thread.threadTs}`,
    run: (flowRunId) => `${prefix}run:${flowRunId}`,
    followed: () => `${prefix}followed`,
    expiries: () => `${prefix}expiries`,
    claim: (key) => `${prefix}claim:${key}`,
    lease: (key) => `${prefix}lease:${key}`,
  };
}
