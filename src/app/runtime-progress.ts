/**
 * Progress bars on status cards: the core's progress refresher (artifacts read at most once per
 * run every `minIntervalMs`, an event only when the percentage changed) announcing through the
 * Notifier, so Slack redraws the card and the terminal prints a line. Ticked by the run poller.
 *
 * Replicas share the followed set, so each followed request is refreshed by one replica only:
 * whoever holds its short `progress:<request id>` lease (renewed on every tick by its holder).
 */
import type { CatalogSource, Clock, Logger, Notifier, PrefectPort, Store } from '../core/ports';
import { createProgressGate } from '../core/results/progress-gate';
import { createProgressRefresher, type ProgressRefresher } from '../core/results/progress-refresher';

export interface RuntimeProgressDeps {
  store: Store;
  prefect: PrefectPort;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  /** Least time between two reads of one run's artifacts (default 3000 ms). */
  minIntervalMs?: number;
  /** Identifies this replica for the leases. */
  owner?: string;
  /** How long a replica keeps a request's progress (default 15 s, longer than a poll interval). */
  leaseMs?: number;
}

export function createRuntimeProgress(deps: RuntimeProgressDeps): ProgressRefresher {
  const owner = deps.owner ?? `progress-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const leaseMs = deps.leaseMs ?? 15_000;
  const gate = createProgressGate({ minIntervalMs: deps.minIntervalMs ?? 3000 });
  const store = {
    getRequest: (id: string) => deps.store.getRequest(id),
    async listFollowed(limit: number): Promise<string[]> {
      const followed = await deps.store.listFollowed(limit);
      // The leases are asked for together, not one round trip after another.
      const held = await Promise.all(
        followed.map((id) => deps.store.acquireLease(`progress:${id}`, owner, leaseMs)),
      );
      return followed.filter((_, index) => held[index]);
    },
  };
  return createProgressRefresher({
    store,
    prefect: deps.prefect,
    catalog: deps.catalog,
    clock: deps.clock,
    logger: deps.logger,
    gate,
    onProgress: (request, process, progress) =>
      deps.notifier.requestChanged(
        request,
        process,
        progress ? { kind: 'progress', progress } : { kind: 'progress' },
      ),
  });
}
