/**
 * Every change to a request goes through here: read → pure `step(current)` → compare-and-set on
 * the version read. On a lost race the step runs again on the fresh record, so under concurrent
 * clicks (or replicas) exactly one caller makes each move and the others see its result.
 * A request whose confirmation/approval window has passed is closed as `expired` by whatever
 * action touches it first.
 */
import { FlowdeskError } from '../errors';
import type { RequestRecord } from '../types';
import type { EngineContext } from './engine-context';
import { closeRequest, isExpired } from './request-records';

export interface StepOutcome<T> {
  /** null = nothing to write. */
  next: RequestRecord | null;
  result: T;
}

export type Step<T> = (current: RequestRecord, now: Date) => StepOutcome<T>;

export interface TransitionResult<T> {
  result: T;
  before: RequestRecord;
  /** The stored record after the step (equals `before` when nothing was written). */
  after: RequestRecord;
  changed: boolean;
}

const MAX_ATTEMPTS = 60;

export async function transition<T>(
  ctx: Pick<EngineContext, 'store' | 'clock'>,
  requestId: string,
  step: Step<T>,
): Promise<TransitionResult<T>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const current = await ctx.store.getRequest(requestId);
    if (!current) throw new FlowdeskError('request_not_found', `request ${requestId} not found`);
    const now = ctx.clock.now();
    const { next, result } = step(current, now);
    if (next === null) return { result, before: current, after: current, changed: false };
    const stored: RequestRecord = { ...next, version: current.version + 1, updatedAt: now.toISOString() };
    if (await ctx.store.compareAndSet(stored, current.version)) {
      return { result, before: current, after: stored, changed: true };
    }
  }
  throw new FlowdeskError('request_conflict', `request ${requestId}: too many concurrent updates`, {
    userMessage: 'That request is being changed by someone else right now. Please try again.',
  });
}

/**
 * Like `transition`, but a request found past its expiry is closed (and announced) instead of
 * running the step; the caller then gets a `request_expired` error.
 */
export async function transitionUnlessExpired<T>(
  ctx: EngineContext,
  requestId: string,
  actorId: string,
  step: Step<T>,
): Promise<TransitionResult<T>> {
  const outcome = await transition<{ expired: true } | { expired: false; value: T }>(
    ctx,
    requestId,
    (current, now) => {
      if (isExpired(current, now))
        return { next: closeRequest(current, 'expired'), result: { expired: true } };
      const inner = step(current, now);
      return { next: inner.next, result: { expired: false, value: inner.result } };
    },
  );
  if (outcome.result.expired) {
    if (outcome.changed) await announceExpiry(ctx, outcome.after, actorId);
    throw new FlowdeskError('request_expired', `request ${requestId} expired`);
  }
  return { ...outcome, result: outcome.result.value };
}

export async function announceExpiry(
  ctx: EngineContext,
  request: RequestRecord,
  actorId: string,
): Promise<void> {
  await ctx.store.cancelExpiry(request.id);
  ctx.audit.record({
    action: 'expired',
    requestId: request.id,
    processId: request.processId,
    actor: actorId,
    at: ctx.clock.now().toISOString(),
    details: { expiresAt: request.expiresAt },
  });
  const process = ctx.catalog.current().byId.get(request.processId);
  await notifySafely(ctx, request, process, { kind: 'expired' });
}

/** Notifier failures (Slack down) must not undo or fail a committed transition. */
export async function notifySafely(
  ctx: EngineContext,
  ...args: Parameters<EngineContext['notifier']['requestChanged']>
): Promise<void> {
  try {
    await ctx.notifier.requestChanged(...args);
  } catch (error) {
    ctx.logger.warn({ err: (error as Error).message, requestId: args[0].id }, 'notifier failed');
  }
}
