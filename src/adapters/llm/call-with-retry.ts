/**
 * Retries a model call on what is worth retrying — timeouts, connection errors, 408/409/429 and 5xx —
 * with exponential back-off and jitter, honouring `retry-after-ms` / `retry-after` up to a cap (a server
 * that asks for longer than the cap gets no retry: the caller falls back instead of keeping a user waiting).
 * An optional overall budget bounds all attempts and waits together: no retry starts (and no back-off is
 * slept) unless a worthwhile attempt still fits after the wait.
 * Everything else (400 bad schema, 401 bad key, 404 unknown model) fails at once.
 */
import OpenAI from 'openai';
import { FlowdeskError, isFlowdeskError } from '../../core/errors';
import { startTimeBudget } from '../time-budget';

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `retry-after` we wait for. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Overall time for every attempt and wait; none = only maxRetries limits it. */
  budgetMs?: number;
  /** The shortest attempt worth starting a retry for (see time-budget.ts minAttemptMs()). Default 0. */
  minAttemptMs?: number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** `call` gets the time left in the budget (Infinity without one), to cap its own deadline with. */
export async function callWithRetry<T>(
  call: (remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry: (notice: RetryNotice) => void,
): Promise<T> {
  const budget = startTimeBudget(policy.budgetMs ?? Number.POSITIVE_INFINITY, policy.minAttemptMs ?? 0);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(budget.remainingMs());
    } catch (error) {
      const delayMs = attempt < policy.maxRetries ? retryDelayMs(error, attempt, policy) : null;
      if (delayMs === null || !budget.allowsRetryAfter(delayMs)) throw error;
      onRetry({ attempt: attempt + 1, delayMs, error });
      await policy.sleep(delayMs);
    }
  }
}

/** How long to wait before retrying after `error`, or null when it should not be retried. */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy): number | null {
  if (!isRetryable(error)) return null;
  const requested = error instanceof OpenAI.APIError ? retryAfterMs(error.headers) : null;
  if (requested !== null) return requested <= policy.maxRetryAfterMs ? requested : null;
  const backoff = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return Math.round(backoff * (0.75 + policy.random() * 0.25));
}

export function isRetryable(error: unknown): boolean {
  if (isTimeoutError(error)) return true;
  // Connection errors include the SDK's timeout (APIConnectionTimeoutError extends APIConnectionError).
  if (error instanceof OpenAI.APIConnectionError) return true;
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return false;
  return [408, 409, 429].includes(error.status) || error.status >= 500;
}

function retryAfterMs(headers: Headers | undefined): number | null {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers?.get('retry-after');
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * Runs one attempt with its own deadline. Our own AbortController (rather than only the SDK's `timeout`)
 * makes a timeout recognisable everywhere: under some runtimes (jest's sandbox) the SDK reports its own
 * timeout as a plain connection error.
 */
export async function withDeadline<T>(ms: number, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await attempt(controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    throw new FlowdeskError('llm_unavailable', `model call timed out after ${ms} ms`, {
      cause: error,
      details: { reason: 'timeout', timeoutMs: ms },
    });
  } finally {
    clearTimeout(timer);
  }
}

export function isTimeoutError(error: unknown): boolean {
  return (
    error instanceof OpenAI.APIConnectionTimeoutError ||
    (isFlowdeskError(error) && error.code === 'llm_unavailable' && error.details?.reason === 'timeout')
  );
}
