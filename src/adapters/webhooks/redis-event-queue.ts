/**
 * Durable queue for accepted Prefect events: a Redis stream with a consumer group.
 *
 * The webhook route XADDs an event before answering 2xx; a worker (one per replica, all in the same
 * group) reads it with XREADGROUP, applies it through the RunEventSink, then XACKs. An entry that was
 * delivered but never acknowledged (a crash, a sink error) stays in the group's pending list and is
 * re-claimed with XAUTOCLAIM once idle for `claimIdleMs`, so an accepted event is never lost.
 *
 * Delivery is at-least-once; the event id dedupe key makes applying effectively once: it is claimed
 * with SET NX by the stream entry that carries the event (a re-delivery of that same entry may proceed,
 * another entry with the same event id is a duplicate) and marked done after the sink succeeds.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../../core/ports';
import { type FlowRunStateEvent, PREFECT_STATE_TYPES } from '../../core/prefect-event';
import { createRedisReadyGate } from '../store/redis-ready-gate';
import { forgetIdleConsumers } from './forget-idle-consumers';
import type { RunEventOutcome, RunEventSink } from './run-event-sink';

export interface EventQueue {
  /** Persists the event; resolves with the stream entry id once Redis has it. */
  enqueue(event: FlowRunStateEvent): Promise<string>;
}

export type WorkerOutcome = RunEventOutcome | 'duplicate' | 'failed' | 'dead_lettered';

export interface RedisEventQueueOptions {
  redis: Redis;
  stream: string;
  group: string;
  /** Unique per process (e.g. hostname + pid): pending entries are owned by a consumer. */
  consumer: string;
  logger: Logger;
  /** Approximate cap of the stream (XADD MAXLEN ~). Default 100 000 entries. */
  maxLen?: number;
  /** Default `${stream}:seen:`. */
  dedupeKeyPrefix?: string;
  /** How long an event id is remembered. Default 7 days (Prefect does not resend older events). */
  dedupeTtlSeconds?: number;
  /** After this many deliveries an entry goes to `${stream}:dead` instead of being retried. Default 50. */
  maxDeliveries?: number;
  /** Runs processed in parallel within a batch. Default 32 (each run's events stay in order). */
  concurrency?: number;
  /** How long a command waits for a (re)connecting Redis before failing. Default 1000 ms. */
  readyWaitMs?: number;
  metrics?: { eventsApplied(outcome: WorkerOutcome): void };
}

export interface WorkerOptions {
  /** Entries per read. Default 100. */
  batchSize?: number;
  /** How long one XREADGROUP blocks waiting for new entries. Default 5000 ms. */
  blockMs?: number;
  /** Pending entries idle this long are re-claimed (also how often to look). Default 30 000 ms. */
  claimIdleMs?: number;
  /**
   * Other consumers of the group with nothing pending and idle this long (left behind by restarts)
   * are removed, checked every few minutes. Default 24 h; `Infinity` keeps them all.
   */
  forgetIdleConsumersAfterMs?: number;
}

export interface RedisEventQueue extends EventQueue {
  /** Creates the consumer group (MKSTREAM) and starts the loop; resolves once the group exists. */
  startWorker(sink: RunEventSink, options?: WorkerOptions): Promise<void>;
  /** Lets the in-flight batch finish, then stops reading. */
  stopWorker(): Promise<void>;
  /** Entries not yet acknowledged: pending in the group plus not yet delivered. */
  lag(): Promise<number>;
}

interface StreamEntry {
  entryId: string;
  event: FlowRunStateEvent | null;
  raw: string[];
}

const EVENT_FIELD = 'event';
const MAX_CLAIM_ROUNDS = 20;
const MAX_BACKOFF_MS = 10_000;
/** How often the worker looks for idle consumers to forget (the first time right after it starts). */
const FORGET_CHECK_EVERY_MS = 5 * 60_000;

/** Claims the event id for a stream entry: 1 = go ahead (first time, or a re-delivery of that entry). */
const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0`;

const storedEvent = z.object({
  id: z.string().min(1),
  event: z.string(),
  occurred: z.string(),
  flowRunId: z.string().min(1),
  flowRunName: z.string().optional(),
  runCount: z.number().optional(),
  state: z.object({
    type: z.enum(PREFECT_STATE_TYPES),
    name: z.string(),
    timestamp: z.string(),
    message: z.string().optional(),
  }),
  tags: z.array(z.string()),
  deploymentId: z.string().optional(),
});

export function createRedisEventQueue(options: RedisEventQueueOptions): RedisEventQueue {
  const { redis, stream, group, consumer } = options;
  const logger = options.logger.child({ component: 'prefect-event-queue', stream, consumer });
  const maxLen = options.maxLen ?? 100_000;
  const dedupePrefix = options.dedupeKeyPrefix ?? `${stream}:seen:`;
  const dedupeTtl = options.dedupeTtlSeconds ?? 7 * 24 * 3600;
  const maxDeliveries = options.maxDeliveries ?? 50;
  // Each run's events are applied in order, so throughput comes from runs in parallel (the
  // background connection auto-pipelines their commands: see choose-store.ts).
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const deadStream = `${stream}:dead`;

  const readyWaitMs = options.readyWaitMs ?? 1000;
  // connectRedis connections have no offline queue: wait briefly for a (re)connecting socket.
  const whenReady = createRedisReadyGate(redis, readyWaitMs);

  let worker: { stop(): Promise<void> } | null = null;

  async function enqueue(event: FlowRunStateEvent): Promise<string> {
    await whenReady();
    const id = await redis.xadd(stream, 'MAXLEN', '~', maxLen, '*', EVENT_FIELD, JSON.stringify(event));
    if (!id) throw new Error('XADD returned no id');
    return id;
  }

  async function ensureGroup(): Promise<void> {
    await whenReady();
    try {
      // From '0': entries accepted before any worker ever ran are processed too.
      await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  /** Applies one claimed event; the outcome, or undefined when it failed (left pending for a retry). */
  async function applyEntry(
    entry: StreamEntry,
    event: FlowRunStateEvent,
    sink: RunEventSink,
  ): Promise<RunEventOutcome | undefined> {
    try {
      return await sink.applyRunState(event.flowRunId, event.state, {
        eventId: event.id,
        source: 'webhook',
      });
    } catch (error) {
      logger.warn(
        { err: error, eventId: event.id, flowRunId: event.flowRunId, entryId: entry.entryId },
        'applying a Prefect event failed; it will be retried',
      );
      options.metrics?.eventsApplied('failed');
      return undefined;
    }
  }

  /**
   * The dedupe claims of a whole read batch in one pipeline (one round trip instead of one per
   * entry, which the entries of one run used to wait for one after the other). Pipelined in entry
   * order, so of two entries carrying the same event the first one wins, as before.
   */
  async function claimAll(entries: Array<{ entry: StreamEntry; event: FlowRunStateEvent }>) {
    if (entries.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const { entry, event } of entries) {
      pipeline.eval(CLAIM_SCRIPT, 1, `${dedupePrefix}${event.id}`, entry.entryId, dedupeTtl);
    }
    const replies = (await pipeline.exec()) ?? [];
    return entries.map((_, index) => {
      const [error, claimed] = replies[index] ?? [new Error('no reply to the dedupe claim'), null];
      if (error) throw error;
      return claimed === 1;
    });
  }

  /** Marks the applied events done and acknowledges every finished entry: one round trip. */
  async function finishAll(done: FlowRunStateEvent[], finishedEntryIds: string[]): Promise<void> {
    if (finishedEntryIds.length === 0) return;
    const transaction = redis.multi();
    for (const event of done) transaction.set(`${dedupePrefix}${event.id}`, 'done', 'EX', dedupeTtl);
    transaction.xack(stream, group, ...finishedEntryIds);
    await transaction.exec();
  }

  function record(outcome: WorkerOutcome, event: FlowRunStateEvent, entryId: string): void {
    options.metrics?.eventsApplied(outcome);
    logger.debug(
      { outcome, eventId: event.id, flowRunId: event.flowRunId, state: event.state.name, entryId },
      'prefect event processed',
    );
  }

  async function deadLetter(entry: StreamEntry, reason: string): Promise<void> {
    logger.error({ entryId: entry.entryId, reason }, 'prefect event moved to the dead-letter stream');
    await redis
      .multi()
      .xadd(deadStream, 'MAXLEN', '~', 10_000, '*', 'entry', entry.entryId, 'reason', reason, ...entry.raw)
      .xack(stream, group, entry.entryId)
      .exec();
    options.metrics?.eventsApplied('dead_lettered');
  }

  /** Events of one run in stream order; different runs in parallel (bounded). */
  async function processBatch(entries: StreamEntry[], sink: RunEventSink): Promise<void> {
    await whenReady();
    const readable: Array<{ entry: StreamEntry; event: FlowRunStateEvent }> = [];
    for (const entry of entries) {
      if (entry.event) readable.push({ entry, event: entry.event });
      else await deadLetter(entry, 'unreadable entry');
    }
    const claims = await claimAll(readable);
    const finishedEntryIds: string[] = [];
    const done: FlowRunStateEvent[] = [];
    const outcomes: Array<[WorkerOutcome, FlowRunStateEvent, string]> = [];
    // The events of one run are applied in stream order; different runs at once.
    const byRun = new Map<string, Array<{ entry: StreamEntry; event: FlowRunStateEvent }>>();
    readable.forEach((item, index) => {
      if (!claims[index]) {
        finishedEntryIds.push(item.entry.entryId);
        outcomes.push(['duplicate', item.event, item.entry.entryId]);
        return;
      }
      const list = byRun.get(item.event.flowRunId) ?? [];
      list.push(item);
      byRun.set(item.event.flowRunId, list);
    });
    await forEachBounded([...byRun.values()], concurrency, async (runEntries) => {
      for (const { entry, event } of runEntries) {
        const outcome = await applyEntry(entry, event, sink);
        if (outcome === undefined) continue;
        done.push(event);
        finishedEntryIds.push(entry.entryId);
        outcomes.push([outcome, event, entry.entryId]);
      }
    });
    await finishAll(done, finishedEntryIds);
    for (const [outcome, event, entryId] of outcomes) record(outcome, event, entryId);
  }

  async function reclaimIdle(
    sink: RunEventSink,
    batchSize: number,
    claimIdleMs: number,
    stopping: () => boolean,
  ) {
    await whenReady();
    let cursor = '0-0';
    for (let round = 0; round < MAX_CLAIM_ROUNDS && !stopping(); round++) {
      const reply = (await redis.call('XAUTOCLAIM', [
        stream,
        group,
        consumer,
        String(claimIdleMs),
        cursor,
        'COUNT',
        String(batchSize),
      ])) as [string, unknown[]];
      cursor = String(reply[0]);
      const entries = decodeEntries(reply[1]);
      if (entries.length > 0) {
        logger.info({ count: entries.length }, 're-claimed pending prefect events');
        const retriable = await dropExhausted(entries);
        await processBatch(retriable, sink);
      }
      if (cursor === '0-0') return;
    }
  }

  /** Entries delivered too many times go to the dead-letter stream instead of looping forever. */
  async function dropExhausted(entries: StreamEntry[]): Promise<StreamEntry[]> {
    const first = entries[0]!.entryId;
    const last = entries[entries.length - 1]!.entryId;
    const pending = (await redis.call('XPENDING', [
      stream,
      group,
      first,
      last,
      String(entries.length),
      consumer,
    ])) as Array<[string, string, number, number]> | null;
    const deliveries = new Map((pending ?? []).map((row) => [String(row[0]), Number(row[3])]));
    const retriable: StreamEntry[] = [];
    for (const entry of entries) {
      if ((deliveries.get(entry.entryId) ?? 0) > maxDeliveries) {
        await deadLetter(entry, `not applied after ${maxDeliveries} deliveries`);
      } else {
        retriable.push(entry);
      }
    }
    return retriable;
  }

  async function startWorker(sink: RunEventSink, workerOptions: WorkerOptions = {}): Promise<void> {
    if (worker) throw new Error('the prefect event worker is already running');
    // Claimed synchronously so two concurrent starts cannot both run a loop.
    worker = { stop: async () => undefined };
    const batchSize = workerOptions.batchSize ?? 100;
    const blockMs = workerOptions.blockMs ?? 5000;
    const claimIdleMs = workerOptions.claimIdleMs ?? 30_000;
    const forgetAfterMs = workerOptions.forgetIdleConsumersAfterMs ?? 24 * 3600_000;
    let groupReady = await ensureGroup().then(
      () => true,
      (error: unknown) => {
        // Redis down at start must not stop flowdesk from starting: the loop keeps trying.
        logger.warn({ err: error }, 'prefect event worker: cannot create the consumer group yet; retrying');
        return false;
      },
    );

    // XREADGROUP BLOCK holds its connection: a dedicated one keeps the shared client free for XADD,
    // with a command timeout longer than the block (connectRedis' default timeout is shorter).
    const blocking = redis.duplicate({ commandTimeout: blockMs + 5000 });
    const blockingReady = createRedisReadyGate(blocking, readyWaitMs);
    let stopping = false;
    let reading = false;
    let wakeUp: (() => void) | null = null;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    const readNew = async (): Promise<StreamEntry[]> => {
      await blockingReady();
      if (stopping) return [];
      reading = true;
      try {
        const reply = await blocking.call('XREADGROUP', [
          'GROUP',
          group,
          consumer,
          'COUNT',
          String(batchSize),
          'BLOCK',
          String(blockMs),
          'STREAMS',
          stream,
          '>',
        ]);
        return decodeEntries(entriesOfReadReply(reply));
      } finally {
        reading = false;
      }
    };

    const loop = async (): Promise<void> => {
      let lastClaimAt = 0;
      let lastForgetAt = 0;
      let failures = 0;
      while (!stopping) {
        try {
          if (!groupReady) {
            await ensureGroup();
            groupReady = true;
          }
          if (Date.now() - lastClaimAt >= claimIdleMs) {
            lastClaimAt = Date.now();
            await reclaimIdle(sink, batchSize, claimIdleMs, () => stopping);
          }
          if (Date.now() - lastForgetAt >= FORGET_CHECK_EVERY_MS) {
            lastForgetAt = Date.now();
            // Never throws: a failure is logged at warn and the loop reads on.
            await forgetIdleConsumers({
              redis,
              stream,
              group,
              self: consumer,
              idleMs: forgetAfterMs,
              logger,
            });
          }
          if (stopping) break;
          const entries = await readNew();
          if (entries.length > 0) await processBatch(entries, sink);
          failures = 0;
        } catch (error) {
          if (stopping) break;
          failures++;
          // The stream was deleted (FLUSHALL, a manual DEL): recreate the group on the next round.
          if (String((error as Error).message).startsWith('NOGROUP')) groupReady = false;
          logger.error({ err: error, failures }, 'prefect event worker: redis error, retrying');
          await pause(Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures));
          wakeUp = null;
        }
      }
    };

    const running = loop();
    worker = {
      async stop() {
        stopping = true;
        // Nothing is in flight while blocked on a read: cut it short. An entry delivered in that instant
        // stays pending and is re-claimed, so nothing is lost.
        if (reading) blocking.disconnect();
        (wakeUp as (() => void) | null)?.();
        await running;
        blocking.disconnect();
      },
    };
    logger.info({ group, batchSize, blockMs, claimIdleMs, forgetAfterMs }, 'prefect event worker started');
  }

  async function stopWorker(): Promise<void> {
    const current = worker;
    worker = null;
    await current?.stop();
  }

  async function lag(): Promise<number> {
    let groups: unknown;
    await whenReady();
    try {
      groups = await redis.call('XINFO', ['GROUPS', stream]);
    } catch (error) {
      if (/no such key/i.test(String((error as Error).message))) return 0;
      throw error;
    }
    const info = (groups as unknown[]).map(toRecord).find((g) => g.name === group);
    if (!info) return redis.xlen(stream);
    const pending = Number(info.pending ?? 0);
    if (info.lag !== null && info.lag !== undefined) return pending + Number(info.lag);
    // Redis cannot always tell the lag (e.g. after deletions): count what follows the last delivery.
    const undelivered = await redis.xrange(
      stream,
      `(${String(info['last-delivered-id'])}`,
      '+',
      'COUNT',
      10_000,
    );
    return pending + undelivered.length;
  }

  return { enqueue, startWorker, stopWorker, lag };
}

/** XREADGROUP on one stream: RESP2 `[[key, entries]]`, RESP3 map flattened to `[key, entries]`, or null. */
function entriesOfReadReply(reply: unknown): unknown[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  if (Array.isArray(reply[0])) return (reply[0] as unknown[])[1] as unknown[];
  return (reply[1] as unknown[]) ?? [];
}

function decodeEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item)) continue;
    const entryId = String(item[0]);
    const fields = Array.isArray(item[1]) ? (item[1] as unknown[]).map(String) : [];
    entries.push({ entryId, event: decodeEvent(fields), raw: fields });
  }
  return entries;
}

function decodeEvent(fields: string[]): FlowRunStateEvent | null {
  const index = fields.indexOf(EVENT_FIELD);
  if (index < 0 || index % 2 !== 0) return null;
  try {
    const parsed = storedEvent.safeParse(JSON.parse(fields[index + 1] ?? ''));
    return parsed.success ? (parsed.data as FlowRunStateEvent) : null;
  } catch {
    return null;
  }
}

/** XINFO replies are flat [name, value, ...] lists (RESP2) or maps (RESP3). */
function toRecord(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    const record: Record<string, unknown> = {};
    for (let i = 0; i + 1 < value.length; i += 2) record[String(value[i])] = value[i + 1];
    return record;
  }
  if (value instanceof Map) return Object.fromEntries(value);
  return (value ?? {}) as Record<string, unknown>;
}

async function forEachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(lanes);
}
