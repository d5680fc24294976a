/**
 * Redis connections tuned for a bot that must keep answering while Redis blips:
 * - no offline queue: a command issued while disconnected fails at once (the store turns that
 *   into `store_unavailable`) instead of waiting, and is never sent later behind the caller's back;
 * - a command timeout, so a hung server cannot hang a Slack handler;
 * - reconnection forever with a capped back-off, so service resumes by itself.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { FlowdeskError } from '../../core/errors';
import type { Logger } from '../../core/ports';

export interface RedisConnectionOptions {
  /** Connect on first use instead of now. */
  lazyConnect?: boolean;
  /** A command that gets no reply within this time fails (default 2000 ms). */
  commandTimeoutMs?: number;
  /** Give up a single TCP/TLS connection attempt after this time (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Upper bound of the reconnect back-off (default 5000 ms). */
  maxRetryDelayMs?: number;
  /** Shown by CLIENT LIST, handy to tell replicas apart. */
  connectionName?: string;
  /**
   * Commands issued in one turn of the event loop go out together (at setImmediate). Right for
   * background bursts (webhook events); wrong where a person waits (see connectRedis).
   */
  autoPipelining?: boolean;
}

const DEFAULTS = { commandTimeoutMs: 2000, connectTimeoutMs: 3000, maxRetryDelayMs: 5000 };

/** The URL without its password, for logs and error messages. */
export function describeRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid redis url>';
  }
  if (parsed.password) parsed.password = '***';
  parsed.search = '';
  return parsed.toString();
}

/** Exponential back-off from 100 ms, capped, with jitter so replicas do not reconnect in lockstep. */
export function reconnectDelay(attempt: number, maxDelayMs: number): number {
  const base = Math.min(100 * 2 ** Math.max(0, attempt - 1), maxDelayMs);
  return Math.round(base * (0.8 + Math.random() * 0.2));
}

function requireRedisUrl(url: string): void {
  try {
    const { protocol } = new URL(url);
    if (protocol === 'redis:' || protocol === 'rediss:') return;
  } catch {
    // fall through to the error below
  }
  throw new FlowdeskError('config_invalid', 'REDIS_URL must be a redis:// or rediss:// URL.', {
    userMessage: 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.',
  });
}

function baseOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A command cut off by a disconnect may already have failed to its caller (timeout): resending
    // it after reconnecting would apply a write the caller was told did not happen.
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    // disconnect() arms this timer even when the socket is already gone (Redis down): keep it short
    // so a shutdown during an outage does not linger.
    disconnectTimeout: 500,
    connectionName: options.connectionName,
    // A failover leaves us talking to a replica: reconnect (without resending) to find the primary.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 1 : false),
  };
}

/** Logs an outage once (warn) and its end (info), not every failed reconnect attempt. */
function logConnectionEvents(redis: Redis, logger: Logger): void {
  let downSince: number | null = null;
  let attempts = 0;
  redis.on('ready', () => {
    if (downSince === null) logger.info('Redis connected');
    else logger.info({ downMs: Date.now() - downSince, attempts }, 'Redis connection restored');
    downSince = null;
    attempts = 0;
  });
  redis.on('error', (error: Error) => {
    if (downSince === null) {
      downSince = Date.now();
      logger.warn({ err: { message: error.message } }, 'Redis unavailable; reconnecting in the background');
    } else {
      logger.debug({ err: { message: error.message } }, 'Redis still unavailable');
    }
  });
  redis.on('reconnecting', (delayMs: number) => {
    attempts += 1;
    logger.debug({ delayMs, attempts }, 'Redis reconnecting');
  });
  redis.on('end', () => logger.info('Redis connection closed'));
}

export function connectRedis(url: string, logger: Logger, options: RedisConnectionOptions = {}): Redis {
  requireRedisUrl(url);
  const log = logger.child({ component: 'redis', redis: describeRedisUrl(url) });
  const maxDelayMs = options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs;
  const redis = new Redis(url, {
    ...baseOptions(options),
    // Auto-pipelining sends at setImmediate, after any CPU work already queued (a routing pass):
    // a command where a person waits would wait for that work before its round trip even began.
    enableAutoPipelining: options.autoPipelining ?? false,
    // Always a number: ioredis stops reconnecting for good when this returns nothing.
    retryStrategy: (attempt) => reconnectDelay(attempt, maxDelayMs),
  });
  logConnectionEvents(redis, log);
  return redis;
}

function waitForEnd(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'end') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      redis.off('end', done);
      resolve();
    }
    redis.once('end', done);
  });
}

/**
 * One connection attempt and a PING within `timeoutMs`. Used to choose between Redis and the
 * in-memory store; leaves no socket, listener or timer behind.
 */
export async function isRedisReachable(url: string, timeoutMs: number): Promise<boolean> {
  try {
    requireRedisUrl(url);
  } catch {
    return false;
  }
  const redis = new Redis(url, {
    ...baseOptions({ lazyConnect: true, commandTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs }),
    retryStrategy: () => null,
    disconnectTimeout: 1, // a probe has nothing to flush: drop the socket at once
  });
  redis.on('error', () => {}); // the answer is the boolean; errors must not surface as 'error' events
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = redis
    .connect()
    .then(() => redis.ping())
    .then((reply) => reply === 'PONG')
    .catch(() => false);
  try {
    return await Promise.race([probe, deadline]);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
    await waitForEnd(redis, 1000);
  }
}
