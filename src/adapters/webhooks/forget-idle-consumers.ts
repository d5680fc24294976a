/**
 * Removes consumers of the Prefect event group that nobody uses any more.
 *
 * Every worker process joins the group under its own name (hostname + pid), so each restart or deploy
 * leaves a consumer behind and `XINFO CONSUMERS` grows forever. A consumer is forgotten only when it is
 * not this worker's own, owns no pending entries, and has been idle (no read or claim attempted) for
 * longer than the threshold. Deleting a consumer drops its pending list, so "no pending entries" is
 * checked again inside the deleting script: a consumer that read something since XINFO is kept.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/ports';

export interface ForgetIdleConsumersOptions {
  redis: Redis;
  stream: string;
  group: string;
  /** This worker's own consumer: never forgotten, however idle. */
  self: string;
  /** Only consumers idle longer than this are forgotten. */
  idleMs: number;
  logger: Logger;
}

export interface ConsumerInfo {
  name: string;
  pending: number;
  idle: number;
}

/** 1 = deleted; 0 = kept because it owns pending entries (deleting would lose them). Atomic in Redis. */
const DELETE_IF_NOTHING_PENDING = `
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Forgets the group's stale consumers; resolves with how many were removed. Never throws: a failure
 * (Redis down, no stream or group) is logged at warn and counts as 0, so the worker loop carries on.
 */
export async function forgetIdleConsumers(options: ForgetIdleConsumersOptions): Promise<number> {
  const { redis, stream, group, self, idleMs, logger } = options;
  try {
    const reply = await redis.call('XINFO', ['CONSUMERS', stream, group]);
    const forgotten: string[] = [];
    for (const consumer of staleConsumers(parseConsumers(reply), self, idleMs)) {
      if (await forgetConsumerWithoutPending(redis, stream, group, consumer.name)) {
        forgotten.push(consumer.name);
      }
    }
    if (forgotten.length > 0) {
      logger.info({ count: forgotten.length, consumers: forgotten, idleMs }, 'forgot idle event consumers');
    }
    return forgotten.length;
  } catch (error) {
    logger.warn({ err: error }, 'forgetting idle event consumers failed; will try again later');
    return 0;
  }
}

/** Deletes the consumer unless it owns pending entries at that moment; true when it was deleted. */
export async function forgetConsumerWithoutPending(
  redis: Redis,
  stream: string,
  group: string,
  name: string,
): Promise<boolean> {
  return (await redis.eval(DELETE_IF_NOTHING_PENDING, 1, stream, group, name)) === 1;
}

/** Consumers safe to forget: not ours, nothing pending, idle longer than the threshold. */
export function staleConsumers(consumers: ConsumerInfo[], self: string, idleMs: number): ConsumerInfo[] {
  return consumers.filter((c) => c.name !== self && c.pending === 0 && c.idle > idleMs);
}

/**
 * XINFO CONSUMERS: a list of flat `[name, value, ...]` arrays (RESP2) or maps (RESP3). An entry
 * without a name or with a non-numeric `pending`/`idle` is skipped, so it is never forgotten.
 */
export function parseConsumers(reply: unknown): ConsumerInfo[] {
  if (!Array.isArray(reply)) return [];
  const consumers: ConsumerInfo[] = [];
  for (const item of reply) {
    const fields = fieldsOf(item);
    const pending = toCount(fields.pending);
    const idle = toCount(fields.idle);
    if (typeof fields.name !== 'string' || Number.isNaN(pending) || Number.isNaN(idle)) continue;
    consumers.push({ name: fields.name, pending, idle });
  }
  return consumers;
}

/** A non-negative integer (number or digit string), else NaN: null or '' must not read as 0 pending. */
function toCount(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : Number.NaN;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
}

function fieldsOf(value: unknown): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries(value);
  if (!Array.isArray(value)) return {};
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < value.length; i += 2) record[String(value[i])] = value[i + 1];
  return record;
}
