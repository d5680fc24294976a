/**
 * The Store port on Redis: what makes request transitions atomic across replicas (Lua CAS) and
 * what lets a restart lose nothing (everything lives in Redis, nothing in process memory).
 *
 * Every failure to talk to Redis becomes FlowdeskError('store_unavailable'), promptly: see
 * redis-connection.ts for the connection settings and redis-ready-gate.ts for the start-up grace.
 */
import type Redis from 'ioredis';
import { FlowdeskError } from '../../core/errors';
import type { Logger, OnceClaim, Store } from '../../core/ports';
import type { ConversationContext, RequestRecord, ThreadRef } from '../../core/types';
import { createRedisKeys, type RedisKeys } from './redis-keys';
import { createRedisReadyGate } from './redis-ready-gate';
import { ACQUIRE_LEASE, COMPARE_AND_SET, CREATE_REQUEST, RELEASE_LEASE, runScript } from './redis-scripts';
import {
  normalizeLimit,
  RECENT_REQUESTS_MAX,
  requestScore,
  requireKey,
  requireScore,
  requireTtlMs,
  requireVersion,
  USER_REQUESTS_MAX,
} from './store-input';

export interface RedisStoreOptions {
  redis: Redis;
  /** All keys start with it; one prefix per flowdesk installation (default "flowdesk:"). */
  prefix?: string;
  logger: Logger;
  /** Cap of the global recent-requests index (default 5000). */
  recentRequestsMax?: number;
  /** Cap of each user's request index (default 1000). */
  userRequestsMax?: number;
  /** How long a call waits for a connection that is (re)connecting before failing (default 1000 ms). */
  readyWaitMs?: number;
  /** Called with every store failure (e.g. to count Redis errors in metrics). */
  onError?: (operation: string, error: FlowdeskError) => void;
}

interface Deps {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  recentMax: number;
  userMax: number;
  call: <T>(operation: string, work: () => Promise<T>) => Promise<T>;
}

export function createRedisStore(options: RedisStoreOptions): Store {
  const { redis } = options;
  const whenReady = createRedisReadyGate(redis, options.readyWaitMs ?? 1000);
  const call = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    try {
      await whenReady();
      return await work();
    } catch (error) {
      const failure = toStoreError(operation, error);
      options.onError?.(operation, failure);
      throw failure;
    }
  };
  const deps: Deps = {
    redis,
    keys: createRedisKeys(options.prefix ?? 'flowdesk:'),
    logger: options.logger.child({ component: 'redis-store' }),
    recentMax: options.recentRequestsMax ?? RECENT_REQUESTS_MAX,
    userMax: options.userRequestsMax ?? USER_REQUESTS_MAX,
    call,
  };
  return {
    ...contextMethods(deps),
    ...requestMethods(deps),
    ...indexMethods(deps),
    ...coordinationMethods(deps),
    ping: () => call('ping', async () => void (await redis.ping())),
    close: () => closeConnection(redis),
  };
}

/** Our own errors pass through; anything from ioredis or the socket means the store is unavailable. */
function toStoreError(operation: string, error: unknown): FlowdeskError {
  if (error instanceof FlowdeskError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new FlowdeskError('store_unavailable', `Redis ${operation} failed: ${detail}`, {
    cause: error,
    details: { operation },
  });
}

async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through: drop the socket instead
    }
  }
  redis.disconnect();
}

function contextMethods({ redis, keys, logger, call }: Deps) {
  return {
    getContext: (thread: ThreadRef) =>
      call('getContext', async () => {
        const raw = await redis.get(keys.context(thread));
        if (raw === null) return null;
        try {
          return JSON.parse(raw) as ConversationContext;
        } catch {
          // A lost context only means the thread starts over; not worth failing the message for.
          logger.warn({ thread }, 'stored conversation context is not valid JSON; ignoring it');
          return null;
        }
      }),
    saveContext: (context: ConversationContext, ttlSeconds: number) =>
      call('saveContext', async () => {
        const ttlMs = requireTtlMs('ttlSeconds', ttlSeconds * 1000);
        await redis.set(keys.context(context.thread), JSON.stringify(context), 'PX', ttlMs);
      }),
  };
}

function parseRequest(id: string, raw: string): RequestRecord {
  try {
    return JSON.parse(raw) as RequestRecord;
  } catch (error) {
    throw new FlowdeskError('internal', `Stored request ${id} is not valid JSON`, { cause: error });
  }
}

function requestMethods(deps: Deps) {
  const { redis, keys, call } = deps;
  return {
    createRequest: (request: RequestRecord, options: { expiresAtMs?: number; once?: OnceClaim } = {}) =>
      call('createRequest', async () => {
        const score = requestScore(request);
        const { expiresAtMs, once } = options;
        const expiresAt = expiresAtMs === undefined ? '' : requireScore('expiresAtMs', expiresAtMs);
        const onceTtlMs = once ? requireTtlMs('once.ttlSeconds', once.ttlSeconds * 1000) : '';
        const requestKey = keys.request(request.id);
        const created = await runScript(
          redis,
          CREATE_REQUEST,
          [
            requestKey,
            keys.userRequests(request.requester.id),
            keys.recentRequests(),
            keys.expiries(),
            once ? keys.claim(requireKey('once.key', once.key)) : requestKey,
          ],
          [JSON.stringify(request), score, request.id, deps.recentMax, deps.userMax, expiresAt, onceTtlMs],
        );
        return created === 1;
      }),
    getRequest: (id: string) =>
      call('getRequest', async () => {
        const raw = await redis.get(keys.request(requireKey('id', id)));
        return raw === null ? null : parseRequest(id, raw);
      }),
    compareAndSet: (next: RequestRecord, expectedVersion: number) =>
      call('compareAndSet', async () => {
        requestScore(next);
        requireVersion('expectedVersion', expectedVersion);
        // The caller's object is left as is; the stored copy carries the new version.
        const stored = JSON.stringify({ ...next, version: expectedVersion + 1 });
        const outcome = await runScript(
          redis,
          COMPARE_AND_SET,
          [keys.request(next.id)],
          [stored, expectedVersion],
        );
        if (outcome === -1)
          throw new FlowdeskError('internal', `Stored request ${next.id} is not valid JSON`);
        return outcome === 1;
      }),
    listRequestsByUser: (userId: string, limit: number) =>
      call('listRequestsByUser', () =>
        listIndexed(deps, keys.userRequests(requireKey('userId', userId)), limit),
      ),
    listRecentRequests: (limit: number) =>
      call('listRecentRequests', () => listIndexed(deps, keys.recentRequests(), limit)),
  };
}

/** Newest first; entries whose record is gone or unreadable are skipped (and logged). */
async function listIndexed({ redis, keys, logger }: Deps, indexKey: string, limit: number) {
  const count = normalizeLimit(limit);
  if (count === 0) return [];
  const ids = await redis.zrevrange(indexKey, 0, count - 1);
  if (ids.length === 0) return [];
  const raws = await redis.mget(ids.map((id) => keys.request(id)));
  const records: RequestRecord[] = [];
  raws.forEach((raw, index) => {
    if (raw === null) return;
    try {
      records.push(parseRequest(ids[index], raw));
    } catch {
      logger.warn({ requestId: ids[index] }, 'skipping a stored request that is not valid JSON');
    }
  });
  return records;
}

function indexMethods({ redis, keys, call }: Deps) {
  return {
    indexRun: (flowRunId: string, requestId: string) =>
      call('indexRun', async () => {
        await redis.set(keys.run(requireKey('flowRunId', flowRunId)), requireKey('requestId', requestId));
      }),
    findRequestIdByRun: (flowRunId: string) =>
      call('findRequestIdByRun', () => redis.get(keys.run(requireKey('flowRunId', flowRunId)))),
    addFollowed: (requestId: string) =>
      call('addFollowed', async () => {
        // NX keeps the first score, so following again does not move a run to the back of the line.
        await redis.zadd(keys.followed(), 'NX', Date.now(), requireKey('requestId', requestId));
      }),
    removeFollowed: (requestId: string) =>
      call('removeFollowed', async () => void (await redis.zrem(keys.followed(), requestId))),
    listFollowed: (limit: number) =>
      call('listFollowed', async () => {
        const count = normalizeLimit(limit);
        return count === 0 ? [] : redis.zrange(keys.followed(), 0, String(count - 1));
      }),
    scheduleExpiry: (requestId: string, atMs: number) =>
      call('scheduleExpiry', async () => {
        await redis.zadd(keys.expiries(), requireScore('atMs', atMs), requireKey('requestId', requestId));
      }),
    cancelExpiry: (requestId: string) =>
      call('cancelExpiry', async () => void (await redis.zrem(keys.expiries(), requestId))),
    dueExpiries: (nowMs: number, limit: number) =>
      call('dueExpiries', async () => {
        const count = normalizeLimit(limit);
        if (count === 0) return [];
        return redis.zrangebyscore(keys.expiries(), '-inf', requireScore('nowMs', nowMs), 'LIMIT', 0, count);
      }),
  };
}

function coordinationMethods({ redis, keys, call }: Deps) {
  return {
    claimOnce: (key: string, ttlSeconds: number) =>
      call('claimOnce', async () => {
        const ttlMs = requireTtlMs('ttlSeconds', ttlSeconds * 1000);
        return (await redis.set(keys.claim(requireKey('key', key)), '1', 'PX', ttlMs, 'NX')) === 'OK';
      }),
    acquireLease: (key: string, owner: string, ttlMs: number) =>
      call('acquireLease', async () => {
        const args = [requireKey('owner', owner), requireTtlMs('ttlMs', ttlMs)];
        return (await runScript(redis, ACQUIRE_LEASE, [keys.lease(requireKey('key', key))], args)) === 1;
      }),
    releaseLease: (key: string, owner: string) =>
      call('releaseLease', async () => {
        await runScript(
          redis,
          RELEASE_LEASE,
          [keys.lease(requireKey('key', key))],
          [requireKey('owner', owner)],
        );
      }),
  };
}
