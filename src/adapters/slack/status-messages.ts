/**
 * One status message per request, posted once in the request's thread and then edited in place.
 *
 * Posting is guarded twice: in this process (one post at a time per request) and across replicas
 * (a short store lease; whoever holds it posts and records the ref, the others turn their view of
 * the state into an update once the ref exists). Edits go through the coalescing delivery, and
 * the card is rendered at send time from the newest request version seen.
 */
import type { Logger, Store } from '../../core/ports';
import type { RunProgress } from '../../core/results/progress';
import type { ProcessDef, RequestRecord } from '../../core/types';
import { statusCard } from './blocks/status-card';
import { type MessageRefs, REF } from './message-refs';
import type { SlackDelivery } from './slack-delivery';

export interface StatusMessages {
  show(request: RequestRecord, process: ProcessDef | undefined): Promise<void>;
  /**
   * Redraws a posted card with the run's progress bar. Never posts a card, and edits it no sooner
   * than `progressMinIntervalMs` after its previous edit of any kind.
   */
  showProgress(
    request: RequestRecord,
    process: ProcessDef | undefined,
    progress: RunProgress | undefined,
  ): Promise<void>;
}

export interface StatusMessagesOptions {
  delivery: SlackDelivery;
  refs: MessageRefs;
  store: Store;
  logger: Logger;
  now: () => Date;
  /** Identifies this process for the cross-replica posting lease. */
  instanceId: string;
  leaseMs?: number;
  /** How often to look again for a ref another replica is posting. */
  retryDelayMs?: number;
  maxRetries?: number;
  /** Least time between a card's previous edit and a progress redraw (default 3000 ms). */
  progressMinIntervalMs?: number;
}

interface Snapshot {
  request: RequestRecord;
  process: ProcessDef | undefined;
}

export function createStatusMessages(options: StatusMessagesOptions): StatusMessages {
  const { delivery, refs, store, logger } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const retryDelay = options.retryDelayMs ?? 1000;
  const maxRetries = options.maxRetries ?? 30;
  const latest = new Map<string, Snapshot>();
  const posting = new Map<string, Promise<void>>();
  const progressInterval = options.progressMinIntervalMs ?? 3000;
  const progress = new Map<string, RunProgress>();
  const renderedAt = new Map<string, number>();
  const progressTimers = new Map<string, NodeJS.Timeout>();

  function remember(request: RequestRecord, process: ProcessDef | undefined): void {
    const known = latest.get(request.id);
    if (known && known.request.version > request.version) return;
    latest.delete(request.id);
    latest.set(request.id, { request, process: process ?? known?.process });
    if (latest.size > 10_000) latest.delete(latest.keys().next().value as string);
  }

  function scheduleUpdate(requestId: string): void {
    delivery.scheduleUpdate(`status:${requestId}`, async () => {
      const snapshot = latest.get(requestId);
      const ref = await refs.get(requestId, REF.status);
      if (!snapshot || !ref) return undefined;
      // Rendered right before the edit is sent: the time progress redraws keep their distance from.
      capped(renderedAt, requestId, Date.now());
      const extras = { progress: progress.get(requestId) };
      return { ref, ...statusCard(snapshot.request, snapshot.process, options.now(), extras) };
    });
  }

  /** Schedules the progress redraw once the card's last edit is `progressInterval` old. */
  function redrawProgress(requestId: string): void {
    if (progressTimers.has(requestId)) return;
    const wait = (renderedAt.get(requestId) ?? Number.NEGATIVE_INFINITY) + progressInterval - Date.now();
    if (wait <= 0) {
      scheduleUpdate(requestId);
      return;
    }
    const timer = setTimeout(() => {
      progressTimers.delete(requestId);
      redrawProgress(requestId);
    }, wait);
    timer.unref?.();
    progressTimers.set(requestId, timer);
  }

  async function postOnce(requestId: string, attempt: number): Promise<void> {
    if (await refs.get(requestId, REF.status)) return scheduleUpdate(requestId);
    const leaseKey = `slack:status-post:${requestId}`;
    if (!(await store.acquireLease(leaseKey, options.instanceId, leaseMs))) {
      // Another replica is posting it; come back for an update once its ref is recorded.
      if (attempt < maxRetries) {
        setTimeout(() => void ensure(requestId, attempt + 1), retryDelay).unref?.();
      }
      return;
    }
    try {
      if (await refs.get(requestId, REF.status)) return scheduleUpdate(requestId);
      const snapshot = latest.get(requestId);
      if (!snapshot) return;
      const rendered = snapshot.request.version;
      const message = statusCard(snapshot.request, snapshot.process, options.now());
      const ref = await delivery.post({
        channel: snapshot.request.thread.channel,
        thread_ts: snapshot.request.thread.threadTs,
        ...message,
      });
      if (!ref) return;
      await refs.save(requestId, REF.status, ref);
      // The state may have moved on while we were posting.
      if ((latest.get(requestId)?.request.version ?? rendered) > rendered) scheduleUpdate(requestId);
    } finally {
      await store.releaseLease(leaseKey, options.instanceId).catch(() => undefined);
    }
  }

  function ensure(requestId: string, attempt: number): Promise<void> {
    const running = posting.get(requestId);
    if (running) return running.then(() => ensure(requestId, attempt));
    const promise = postOnce(requestId, attempt)
      .catch((error: unknown) => logger.error({ requestId, err: error }, 'Could not post the status message'))
      .finally(() => posting.delete(requestId));
    posting.set(requestId, promise);
    return promise;
  }

  return {
    async showProgress(request, process, value) {
      remember(request, process);
      if (value && request.run?.state.type === 'RUNNING') capped(progress, request.id, value);
      else progress.delete(request.id);
      if (await refs.get(request.id, REF.status)) redrawProgress(request.id);
    },
    async show(request, process) {
      // A bar only belongs to a running run (a retried run starts without one).
      if (request.run?.state.type !== 'RUNNING') progress.delete(request.id);
      remember(request, process);
      if (await refs.get(request.id, REF.status)) return scheduleUpdate(request.id);
      await ensure(request.id, 0);
    },
  };
}

/** Map entries kept for the newest 10,000 requests (oldest dropped first). */
function capped<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > 10_000) map.delete(map.keys().next().value as string);
}
