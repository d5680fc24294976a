/**
 * Follows the Prefect runs flowdesk started, from webhook events and from polling: applies a
 * newer state to the request (never an older one: state timestamps decide), tells the thread,
 * and on a terminal state fetches what the requester needs (error logs, artifacts).
 * A run that is reopened after a terminal state (a retry) is followed again.
 */

import { transition } from './engine/transition';
import { FlowdeskError } from './errors';
import type {
  AuditSink,
  CatalogSource,
  Clock,
  FlowRunSnapshot,
  Logger,
  Notifier,
  PrefectPort,
  RunInputKeyset,
  Store,
} from './ports';
import { finishedEvent, pausedEvent } from './run-follower-events';
import { isTerminalState, type RequestRecord, type RunInfo, type RunState } from './types';

/** A full snapshot (polling) or just a state (a webhook event). */
export type RunUpdate =
  | FlowRunSnapshot
  | { flowRunId: string; state: RunState; pauseInputKeyset?: RunInputKeyset };

export type ApplyOutcome = 'ignored' | 'stale' | 'unchanged' | 'updated' | 'finished' | 'reopened';

export interface RunFollower {
  applySnapshot(update: RunUpdate): Promise<ApplyOutcome>;
  /**
   * Polls every followed run (up to MAX_FOLLOWED_PER_CYCLE) whose lease this replica gets, walking them
   * in batches of `batchSize` (one Prefect read per batch); returns how many changed.
   */
  pollOnce(batchSize?: number): Promise<number>;
  /** Gives up this replica's poll leases (shutdown), so another replica polls those runs at once. */
  releaseLeases(): Promise<void>;
}

export interface RunFollowerDeps {
  store: Store;
  prefect: PrefectPort | null;
  notifier: Notifier;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
  audit: AuditSink;
  /** Identifies this replica for poll leases. */
  owner?: string;
  /** How long a replica keeps the right to poll a run (renewed on each poll). */
  leaseMs?: number;
  metrics?: { countRunOutcome(processId: string, state: string): void };
}

export function createRunFollower(deps: RunFollowerDeps): RunFollower {
  const owner = deps.owner ?? `follower-${Math.random().toString(36).slice(2, 10)}`;
  const leaseMs = deps.leaseMs ?? 15_000;
  const requestIdOf = createRunIndexCache(deps.store);
  const applySnapshot = (update: RunUpdate) => applyUpdate(deps, update, requestIdOf);
  // Leases taken by the last poll (older ones were not renewed and lapse by themselves).
  let held: string[] = [];
  return {
    applySnapshot,
    async releaseLeases() {
      const runIds = held;
      held = [];
      await Promise.all(
        runIds.map((runId) => deps.store.releaseLease(`poll:${runId}`, owner).catch(() => undefined)),
      );
    },
    async pollOnce(batchSize = 50) {
      if (!deps.prefect) return 0;
      const prefect = deps.prefect;
      const size = Math.max(1, Math.floor(batchSize));
      // Every followed run, oldest first: listing only the first batch would starve newer runs and
      // leave a second replica nothing to poll (it cannot get the leases of that same batch).
      const requestIds = await deps.store.listFollowed(MAX_FOLLOWED_PER_CYCLE);
      const leased: string[] = [];
      held = leased; // filled as batches are leased, so a failing batch still releases what was taken
      let changed = 0;
      for (let start = 0; start < requestIds.length; start += size) {
        const runIds = await leasedRunIds(deps, owner, leaseMs, requestIds.slice(start, start + size));
        leased.push(...runIds);
        if (runIds.length > 0) {
          changed += await applyPolled(deps, await prefect.readFlowRuns(runIds), requestIdOf);
        }
      }
      return changed;
    },
  };
}

/** The most followed runs one poll cycle walks (bounds memory and the cycle's length). */
export const MAX_FOLLOWED_PER_CYCLE = 20_000;

async function applyPolled(
  deps: RunFollowerDeps,
  snapshots: FlowRunSnapshot[],
  requestIdOf: RunIndexCache,
): Promise<number> {
  let changed = 0;
  for (const snapshot of snapshots) {
    try {
      const outcome = await applyUpdate(deps, snapshot, requestIdOf);
      if (outcome === 'updated' || outcome === 'finished' || outcome === 'reopened') changed += 1;
    } catch (error) {
      deps.logger.warn(
        { flowRunId: snapshot.id, err: (error as Error).message },
        'applying a polled state failed',
      );
    }
  }
  return changed;
}

/** The runs of `requestIds` this replica holds the poll lease for (leases taken concurrently). */
async function leasedRunIds(
  deps: RunFollowerDeps,
  owner: string,
  leaseMs: number,
  requestIds: string[],
): Promise<string[]> {
  const runIds = await Promise.all(
    requestIds.map(async (requestId) => {
      const request = await deps.store.getRequest(requestId);
      if (!request?.run || request.status !== 'submitted') {
        await deps.store.removeFollowed(requestId);
        return null;
      }
      // Only one replica polls a given run at a time; the holder renews its lease on each poll.
      const runId = request.run.flowRunId;
      return (await deps.store.acquireLease(`poll:${runId}`, owner, leaseMs)) ? runId : null;
    }),
  );
  return runIds.filter((runId): runId is string => runId !== null);
}

/** How many run → request links are remembered (a run's events come in bursts). */
const RUN_INDEX_CACHE_SIZE = 2048;

type RunIndexCache = (runId: string, fresh?: boolean) => Promise<string | null>;

/**
 * A run belongs to one request for good, so the link read from the store is remembered (bounded,
 * oldest first out): a run's burst of events reads it once. Only found links are kept; `fresh`
 * reads the store again (the cached request may have gone).
 */
function createRunIndexCache(store: Store): RunIndexCache {
  const known = new Map<string, string>();
  return async (runId, fresh = false) => {
    const cached = fresh ? undefined : known.get(runId);
    if (cached !== undefined) return cached;
    const requestId = await store.findRequestIdByRun(runId);
    known.delete(runId);
    if (requestId) {
      if (known.size >= RUN_INDEX_CACHE_SIZE) known.delete(known.keys().next().value as string);
      known.set(runId, requestId);
    }
    return requestId;
  };
}

async function applyUpdate(
  deps: RunFollowerDeps,
  update: RunUpdate,
  requestIdOf: RunIndexCache,
): Promise<ApplyOutcome> {
  const runId = 'flowRunId' in update ? update.flowRunId : update.id;
  const apply = async (fresh: boolean) => {
    const requestId = await requestIdOf(runId, fresh);
    if (!requestId) return undefined;
    return transition(deps, requestId, (current) => nextState(current, runId, update));
  };
  let applied: Awaited<ReturnType<typeof apply>>;
  try {
    applied = await apply(false);
  } catch (error) {
    // A remembered link to a request that is gone: answer from the store, as without the cache.
    if (!(error instanceof FlowdeskError && error.code === 'request_not_found')) throw error;
    applied = await apply(true);
  }
  if (!applied) return 'ignored';
  const { result, after, changed } = applied;
  if (!changed) return result;
  const process = deps.catalog.current().byId.get(after.processId);
  if (result === 'finished') {
    await deps.store.removeFollowed(after.id);
    deps.metrics?.countRunOutcome(after.processId, after.run?.state.type ?? 'UNKNOWN');
    const event = await finishedEvent(deps, after);
    deps.audit.record({
      action: 'finished',
      requestId: after.id,
      processId: after.processId,
      actor: 'prefect',
      at: deps.clock.now().toISOString(),
      details: { flowRunId: runId, state: after.run?.state.type, stateName: after.run?.state.name },
    });
    await notify(deps, after, process, event);
    return result;
  }
  // Following and telling the thread are independent: one round trip less on every state change.
  const following = deps.store.addFollowed(after.id);
  following.catch(() => undefined); // awaited below; never an unhandled rejection
  if (result === 'reopened')
    deps.logger.info({ requestId: after.id, flowRunId: runId }, 'run reopened; following it again');
  await notify(deps, after, process, await pausedEvent(deps, after, update));
  await following;
  return result;
}

function nextState(
  current: RequestRecord,
  runId: string,
  update: RunUpdate,
): { next: RequestRecord | null; result: ApplyOutcome } {
  const run = current.run;
  if (!run || run.flowRunId !== runId || (current.status !== 'submitted' && current.status !== 'finished')) {
    return { next: null, result: 'ignored' };
  }
  const incoming = update.state;
  const age = Date.parse(incoming.timestamp) - Date.parse(run.state.timestamp);
  if (age < 0) return { next: null, result: 'stale' };
  if (age === 0 && incoming.type === run.state.type && incoming.name === run.state.name) {
    return { next: null, result: 'unchanged' };
  }
  const terminal = isTerminalState(incoming.type);
  const snapshot = 'id' in update ? update : undefined;
  const startedAt = snapshot?.startTime ?? run.startedAt;
  const endedAt = terminal ? (snapshot?.endTime ?? incoming.timestamp) : undefined;
  const nextRun: RunInfo = {
    ...run,
    state: incoming,
    ...(startedAt ? { startedAt } : {}),
    ...(snapshot?.name ? { flowRunName: snapshot.name } : {}),
  };
  delete nextRun.endedAt;
  if (endedAt) nextRun.endedAt = endedAt;
  const result: ApplyOutcome = terminal ? 'finished' : current.status === 'finished' ? 'reopened' : 'updated';
  return { next: { ...current, status: terminal ? 'finished' : 'submitted', run: nextRun }, result };
}

async function notify(deps: RunFollowerDeps, ...args: Parameters<Notifier['requestChanged']>): Promise<void> {
  try {
    await deps.notifier.requestChanged(...args);
  } catch (error) {
    deps.logger.warn({ requestId: args[0].id, err: (error as Error).message }, 'notifier failed');
  }
}
