/**
 * One call's overall time, every attempt and wait between them included, for remote services a
 * person waits on (Prefect, the model). On a monotonic clock: wall-clock jumps neither stretch nor
 * cut it.
 */
export interface TimeBudget {
  remainingMs(): number;
  /** An attempt's timeout: the per-attempt timeout, or what is left of the budget when that is less. */
  attemptMs(timeoutMs: number): number;
  /** Whether waiting `delayMs` before a retry still leaves a worthwhile attempt. */
  allowsRetryAfter(delayMs: number): boolean;
}

/** A retry is worth starting with a second left, or the whole per-attempt timeout when it is shorter. */
export function minAttemptMs(timeoutMs: number): number {
  return Math.min(1_000, timeoutMs);
}

/** One attempt's deadline: the per-attempt timeout, or what is left of the budget when that is less. */
export function attemptMs(timeoutMs: number, remainingMs: number): number {
  return Math.max(1, Math.floor(Math.min(timeoutMs, remainingMs)));
}

/** `budgetMs` may be Infinity (no budget); `shortestAttemptMs` is the least worth retrying for. */
export function startTimeBudget(budgetMs: number, shortestAttemptMs: number): TimeBudget {
  const deadline = performance.now() + budgetMs;
  const remainingMs = () => deadline - performance.now();
  return {
    remainingMs,
    attemptMs: (timeoutMs) => attemptMs(timeoutMs, remainingMs()),
    allowsRetryAfter: (delayMs) => delayMs + shortestAttemptMs <= remainingMs(),
  };
}
