/**
 * The Store port in process memory, with the Redis store's semantics: records are kept as JSON
 * (callers never share objects with the store), CAS by version, TTLs checked against the clock on
 * read. Used by `flowdesk chat` when Redis is not reachable and by unit tests of the core.
 * Everything is lost when the process exits, and it is not shared between processes.
 */
import { FlowdeskError } from '../../core/errors';
import type { Clock, OnceClaim, Store } from '../../core/ports';
import type { ConversationContext, RequestRecord, ThreadRef } from '../../core/types';
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

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Cap of the recent-requests index (default 5000, as in Redis). */
  recentRequestsMax?: number;
  /** Cap of each user's request index (default 1000, as in Redis). */
  userRequestsMax?: number;
}

interface Expiring<T> {
  value: T;
  expiresAtMs: number;
}

/** A scored set ordered like a Redis sorted set: by score, then by member. */
class ScoredSet {
  private readonly scores = new Map<string, number>();

  set(member: string, score: number, onlyIfNew = false): void {
    if (onlyIfNew && this.scores.has(member)) return;
    this.scores.set(member, score);
  }

  delete(member: string): void {
    this.scores.delete(member);
  }

  ascending(): string[] {
    return [...this.scores.entries()]
      .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
      .map(([member]) => member);
  }

  /** Keeps the `max` highest-scored members (ZREMRANGEBYRANK 0 -(max+1)). */
  trim(max: number): void {
    const ordered = this.ascending();
    for (const member of ordered.slice(0, Math.max(0, ordered.length - max))) this.scores.delete(member);
  }

  upTo(maxScore: number): string[] {
    return this.ascending().filter((member) => (this.scores.get(member) ?? Infinity) <= maxScore);
  }
}

const systemClock: Clock = { now: () => new Date() };

interface State {
  nowMs(): number;
  recentMax: number;
  userMax: number;
  requests: Map<string, string>;
  byUser: Map<string, ScoredSet>;
  recent: ScoredSet;
  contexts: Map<string, Expiring<string>>;
  runs: Map<string, string>;
  followed: ScoredSet;
  expiries: ScoredSet;
  claims: Map<string, Expiring<true>>;
  leases: Map<string, Expiring<string>>;
  /** Async like the real store, and failing after close() like a closed Redis connection. */
  call<T>(operation: string, work: () => T): Promise<T>;
  live<T>(entry: Expiring<T> | undefined): entry is Expiring<T>;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  let closed = false;
  const nowMs = () => clock.now().getTime();
  const state: State = {
    nowMs,
    recentMax: options.recentRequestsMax ?? RECENT_REQUESTS_MAX,
    userMax: options.userRequestsMax ?? USER_REQUESTS_MAX,
    requests: new Map(),
    byUser: new Map(),
    recent: new ScoredSet(),
    contexts: new Map(),
    runs: new Map(),
    followed: new ScoredSet(),
    expiries: new ScoredSet(),
    claims: new Map(),
    leases: new Map(),
    call: async (operation, work) => {
      if (closed) throw new FlowdeskError('store_unavailable', `Memory store ${operation}: store is closed`);
      return work();
    },
    live: <T>(entry: Expiring<T> | undefined): entry is Expiring<T> =>
      entry !== undefined && entry.expiresAtMs > nowMs(),
  };
  return {
    ...contextMethods(state),
    ...requestMethods(state),
    ...indexMethods(state),
    ...coordinationMethods(state),
    ping: () => state.call('ping', () => undefined),
    close: async () => {
      closed = true;
    },
  };
}

function contextMethods({ call, contexts, live, nowMs }: State) {
  const contextKey = (thread: ThreadRef) => `${thread.channel}:${thread.threadTs}`;
  return {
    getContext: (thread: ThreadRef) =>
      call('getContext', () => {
        const entry = contexts.get(contextKey(thread));
        return live(entry) ? (JSON.parse(entry.value) as ConversationContext) : null;
      }),
    saveContext: (context: ConversationContext, ttlSeconds: number) =>
      call('saveContext', () => {
        const ttlMs = requireTtlMs('ttlSeconds', ttlSeconds * 1000);
        contexts.set(contextKey(context.thread), {
          value: JSON.stringify(context),
          expiresAtMs: nowMs() + ttlMs,
        });
      }),
  };
}

function requestMethods(state: State) {
  const { call, requests, byUser, recent, expiries } = state;
  /** `ascendingIds` oldest first, as a sorted set holds them; lists are newest first. */
  const readRequests = (ascendingIds: string[], limit: number) =>
    ascendingIds
      .reverse()
      .slice(0, normalizeLimit(limit))
      .flatMap((id) => {
        const raw = requests.get(id);
        return raw === undefined ? [] : [JSON.parse(raw) as RequestRecord];
      });
  return {
    createRequest: (request: RequestRecord, options: { expiresAtMs?: number; once?: OnceClaim } = {}) =>
      call('createRequest', () => {
        const score = requestScore(request);
        const { expiresAtMs, once } = options;
        const expiresAt = expiresAtMs === undefined ? undefined : requireScore('expiresAtMs', expiresAtMs);
        if (requests.has(request.id)) return false;
        if (once && !claim(state, once)) return false;
        requests.set(request.id, JSON.stringify(request));
        const userIndex = byUser.get(request.requester.id) ?? new ScoredSet();
        byUser.set(request.requester.id, userIndex);
        userIndex.set(request.id, score);
        userIndex.trim(state.userMax);
        recent.set(request.id, score);
        recent.trim(state.recentMax);
        if (expiresAt !== undefined) expiries.set(request.id, expiresAt);
        return true;
      }),
    getRequest: (id: string) =>
      call('getRequest', () => {
        const raw = requests.get(requireKey('id', id));
        return raw === undefined ? null : (JSON.parse(raw) as RequestRecord);
      }),
    compareAndSet: (next: RequestRecord, expectedVersion: number) =>
      call('compareAndSet', () => {
        requestScore(next);
        requireVersion('expectedVersion', expectedVersion);
        const raw = requests.get(next.id);
        if (raw === undefined || (JSON.parse(raw) as RequestRecord).version !== expectedVersion) return false;
        requests.set(next.id, JSON.stringify({ ...next, version: expectedVersion + 1 }));
        return true;
      }),
    listRequestsByUser: (userId: string, limit: number) =>
      call('listRequestsByUser', () =>
        readRequests(byUser.get(requireKey('userId', userId))?.ascending() ?? [], limit),
      ),
    listRecentRequests: (limit: number) =>
      call('listRecentRequests', () => readRequests(recent.ascending(), limit)),
  };
}

function indexMethods({ call, runs, followed, expiries }: State) {
  let followSeq = 0; // insertion order, like the Redis store's time-of-first-follow score
  return {
    indexRun: (flowRunId: string, requestId: string) =>
      call('indexRun', () => {
        runs.set(requireKey('flowRunId', flowRunId), requireKey('requestId', requestId));
      }),
    findRequestIdByRun: (flowRunId: string) =>
      call('findRequestIdByRun', () => runs.get(requireKey('flowRunId', flowRunId)) ?? null),
    addFollowed: (requestId: string) =>
      call('addFollowed', () => followed.set(requireKey('requestId', requestId), followSeq++, true)),
    removeFollowed: (requestId: string) => call('removeFollowed', () => followed.delete(requestId)),
    listFollowed: (limit: number) =>
      call('listFollowed', () => followed.ascending().slice(0, normalizeLimit(limit))),
    scheduleExpiry: (requestId: string, atMs: number) =>
      call('scheduleExpiry', () =>
        expiries.set(requireKey('requestId', requestId), requireScore('atMs', atMs)),
      ),
    cancelExpiry: (requestId: string) => call('cancelExpiry', () => expiries.delete(requestId)),
    dueExpiries: (nowMs: number, limit: number) =>
      call('dueExpiries', () => expiries.upTo(requireScore('nowMs', nowMs)).slice(0, normalizeLimit(limit))),
  };
}

function coordinationMethods(state: State) {
  const { call, leases, live, nowMs } = state;
  return {
    claimOnce: (key: string, ttlSeconds: number) =>
      call('claimOnce', () => claim(state, { key, ttlSeconds })),
    acquireLease: (key: string, owner: string, ttlMs: number) =>
      call('acquireLease', () => {
        const validTtlMs = requireTtlMs('ttlMs', ttlMs);
        requireKey('owner', owner);
        const current = leases.get(requireKey('key', key));
        if (live(current) && current.value !== owner) return false;
        leases.set(key, { value: owner, expiresAtMs: nowMs() + validTtlMs });
        return true;
      }),
    releaseLease: (key: string, owner: string) =>
      call('releaseLease', () => {
        const current = leases.get(requireKey('key', key));
        if (live(current) && current.value === owner) leases.delete(key);
      }),
  };
}

/** SET NX with a TTL: true the first time the key is claimed (until the claim lapses). */
function claim({ claims, live, nowMs }: State, once: OnceClaim): boolean {
  const ttlMs = requireTtlMs('ttlSeconds', once.ttlSeconds * 1000);
  const key = requireKey('key', once.key);
  if (live(claims.get(key))) return false;
  claims.set(key, { value: true, expiresAtMs: nowMs() + ttlMs });
  return true;
}
