/**
 * Keeps the status cards of RUNNING requests showing their progress artifacts. Call `tick()`
 * periodically (the run poller's `onTick`): each followed request whose run is RUNNING has its
 * artifacts read at most once per gate interval, and `onProgress` is called only when the
 * percentage changed — so a card is edited at most once per run every few seconds.
 * Runs that left RUNNING are forgotten. Failures are logged and skipped, never thrown.
 */
import type { CatalogSource, Clock, Logger, PrefectPort, Store } from '../ports';
import type { ProcessDef, RequestRecord } from '../types';
import { latestProgress, type RunProgress } from './progress';
import type { ProgressGate } from './progress-gate';

export interface ProgressRefresherDeps {
  store: Pick<Store, 'listFollowed' | 'getRequest'>;
  prefect: Pick<PrefectPort, 'readArtifacts'>;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
  gate: ProgressGate;
  /** Re-render the request's status card (e.g. `statusMessages.show`, reading `gate.latest`). */
  onProgress(
    request: RequestRecord,
    process: ProcessDef | undefined,
    progress: RunProgress | undefined,
  ): Promise<void>;
  /** Followed requests looked at per tick (default 50). */
  maxRequests?: number;
}

export interface ProgressRefresher {
  /** Returns how many cards were refreshed. */
  tick(): Promise<number>;
}

export function createProgressRefresher(deps: ProgressRefresherDeps): ProgressRefresher {
  return {
    async tick() {
      let refreshed = 0;
      const ids = await deps.store.listFollowed(deps.maxRequests ?? 50).catch((error: unknown) => {
        deps.logger.warn({ err: describe(error) }, 'progress: could not list followed requests');
        return [] as string[];
      });
      for (const id of ids) {
        if (await refreshOne(deps, id)) refreshed += 1;
      }
      return refreshed;
    },
  };
}

async function refreshOne(deps: ProgressRefresherDeps, requestId: string): Promise<boolean> {
  try {
    const request = await deps.store.getRequest(requestId);
    const run = request?.run;
    if (!request || !run) return false;
    if (run.state.type !== 'RUNNING') {
      deps.gate.forget(run.flowRunId);
      return false;
    }
    if (!deps.gate.claimRead(run.flowRunId, deps.clock.now().getTime())) return false;
    const progress = latestProgress(await deps.prefect.readArtifacts(run.flowRunId));
    if (!deps.gate.record(run.flowRunId, progress)) return false;
    await deps.onProgress(request, deps.catalog.current().byId.get(request.processId), progress);
    return true;
  } catch (error) {
    deps.logger.warn({ requestId, err: describe(error) }, 'progress: refresh failed');
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
