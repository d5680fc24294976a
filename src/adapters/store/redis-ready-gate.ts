/**
 * Waits briefly for a Redis connection to be ready before a command is sent.
 *
 * Connections made by `connectRedis` have no offline queue, so a command sent while the socket is
 * still opening (right after start) or re-opening (a blip) would fail at once. The gate gives the
 * connection a short grace period instead, and fails with the last connection error when Redis
 * stays down, so callers get a prompt, explicit error rather than a hang.
 */
import type Redis from 'ioredis';

export type ReadyGate = () => Promise<void>;

export function createRedisReadyGate(redis: Redis, waitMs: number): ReadyGate {
  let lastError: string | undefined;
  let pending: Promise<void> | null = null;
  redis.on('error', (error: Error) => {
    lastError = error.message;
  });

  // One shared waiter, so a burst of calls during an outage adds two listeners, not two per call.
  function readyOrEnd(): Promise<void> {
    if (pending) return pending;
    pending = new Promise<void>((resolve, reject) => {
      const settle = (outcome: () => void) => () => {
        redis.off('ready', onReady);
        redis.off('end', onEnd);
        pending = null;
        outcome();
      };
      const onReady = settle(resolve);
      const onEnd = settle(() => reject(new Error('Connection is closed.')));
      redis.on('ready', onReady);
      redis.on('end', onEnd);
    });
    pending.catch(() => {}); // observed by callers; avoid an unhandled rejection when none waits
    return pending;
  }

  return async function whenReady(): Promise<void> {
    if (redis.status === 'ready') return;
    if (redis.status === 'end') throw new Error('Connection is closed.');
    const ready = readyOrEnd();
    if (redis.status === 'wait') redis.connect().catch(() => {}); // lazyConnect: first use connects
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = lastError ? ` (last error: ${lastError})` : '';
        reject(new Error(`Redis is not connected after ${waitMs} ms, status ${redis.status}${cause}`));
      }, waitMs);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
