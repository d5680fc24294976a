import { FlowdeskError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { minAttemptMs, startTimeBudget } from '../time-budget';
import { prefectErrorFromResponse } from './prefect-errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 10_000 };
export const DEFAULT_TIMEOUT_MS = 15_000;
/** All attempts of one request, and the waits between them, fit in this (someone waits in Slack). */
export const DEFAULT_BUDGET_MS = 30_000;

export interface PrefectHttpOptions {
  apiUrl: string;
  apiKey?: string;
  authString?: string;
  fetch?: typeof fetch;
  logger: Logger;
  retry?: RetryPolicy;
  /** Per attempt; an attempt never outlives the budget. */
  timeoutMs?: number;
  /** Overall time for one request: every attempt and back-off. Default 30 000 ms. */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1); injectable so back-off is testable. */
  random?: () => number;
}

export interface RequestOptions {
  /** JSON body; every POST/PUT/PATCH sends one (at least `{}`) as Prefect expects. */
  body?: unknown;
  /** `text` for endpoints that answer text/plain (flow run inputs). */
  responseType?: 'json' | 'text';
  /** userMessage for a 404, naming what was not found. */
  notFoundMessage?: string;
  /** Describes the request in a 409's userMessage ("Prefect rejected the parameters: …"). */
  rejectedSubject?: string;
  /** false = one attempt only (health checks). */
  retry?: boolean;
  /**
   * false = do not retry after a network error or timeout, when the request may have been applied
   * and repeating it would change the answer (resume: the second try would say "not paused").
   */
  retryUnanswered?: boolean;
}

export interface PrefectResponse<T> {
  status: number;
  body: T;
}

export interface PrefectHttp {
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<PrefectResponse<T>>;
}

/** Statuses worth another attempt: rate limits, timeouts and gateways (the Prefect SDK retries the same). */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * The HTTP layer of the Prefect client: auth headers, timeouts, retries with back-off and jitter
 * (honouring Retry-After) inside one time budget per request, and Prefect error bodies turned into
 * FlowdeskErrors. Credentials only ever go into the Authorization header, never into logs or errors.
 */
export function createPrefectHttp(options: PrefectHttpOptions): PrefectHttp {
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const retry = options.retry ?? DEFAULT_RETRY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const headers = buildHeaders(options);
  const log = options.logger;

  async function attempt(
    method: HttpMethod,
    path: string,
    body: string | undefined,
    attemptMs: number,
  ): Promise<Response> {
    return doFetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(attemptMs) });
  }

  async function request<T>(
    method: HttpMethod,
    path: string,
    requestOptions: RequestOptions = {},
  ): Promise<PrefectResponse<T>> {
    const body =
      method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(requestOptions.body ?? {});
    const maxRetries = requestOptions.retry === false ? 0 : retry.maxRetries;
    const budget = startBudget(budgetMs, timeoutMs);
    for (let attemptNo = 0; ; attemptNo++) {
      const canRetry = attemptNo < maxRetries;
      let response: Response;
      let text: string;
      try {
        response = await attempt(method, path, body, budget.attemptMs(timeoutMs));
        text = await response.text();
      } catch (error) {
        const reason = describeNetworkError(error);
        log.debug({ method, path, attempt: attemptNo + 1 }, `Prefect request: ${method} ${path} - ${reason}`);
        const delay =
          canRetry && requestOptions.retryUnanswered !== false
            ? backoffDelay(retry, attemptNo, random)
            : null;
        if (await budget.waitForRetry(delay, sleep)) continue;
        throw unavailable(method, path, budget.explain(reason, delay), error);
      }
      log.debug(
        { method, path, status: response.status, attempt: attemptNo + 1 },
        `Prefect request: ${method} ${path} - ${response.status}`,
      );
      if (response.ok) return { status: response.status, body: parseBody<T>(text, requestOptions) };
      if (RETRYABLE_STATUSES.has(response.status)) {
        const delay = canRetry ? retryDelay(response, retry, attemptNo, random) : null;
        if (await budget.waitForRetry(delay, sleep)) continue;
        throw unavailable(
          method,
          path,
          budget.explain(`HTTP ${response.status} after ${attemptNo + 1} attempts`, delay),
        );
      }
      throw prefectErrorFromResponse({ method, path, status: response.status, text, ...requestOptions });
    }
  }

  return { request };
}

interface Budget {
  /** This attempt's timeout: the per-attempt timeout, or less when the budget has less left. */
  attemptMs(timeoutMs: number): number;
  /**
   * Sleeps `delayMs` and says yes when a retry is due and a worthwhile attempt still fits after the
   * wait; says no at once (no sleep) when `delayMs` is null (no retry due) or the budget cannot cover it.
   */
  waitForRetry(delayMs: number | null, sleep: (ms: number) => Promise<void>): Promise<boolean>;
  /** The error reason, saying so when the budget (not the retry count) stopped the retries. */
  explain(reason: string, delayMs: number | null): string;
}

/** The overall time of one request (time-budget.ts), with the retry decisions of this client. */
function startBudget(budgetMs: number, timeoutMs: number): Budget {
  const budget = startTimeBudget(budgetMs, minAttemptMs(timeoutMs));
  return {
    attemptMs: budget.attemptMs,
    async waitForRetry(delayMs, sleep) {
      if (delayMs === null || !budget.allowsRetryAfter(delayMs)) return false;
      await sleep(delayMs);
      return true;
    },
    explain: (reason, delayMs) =>
      delayMs === null ? reason : `${reason}; no time left to retry within the ${budgetMs} ms budget`,
  };
}

function buildHeaders(options: PrefectHttpOptions): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  // Same precedence as Prefect's own client: the self-hosted auth string first, then the Cloud key.
  if (options.authString) {
    headers.Authorization = `Basic ${Buffer.from(options.authString, 'utf8').toString('base64')}`;
  } else if (options.apiKey) {
    headers.Authorization = `Bearer ${options.apiKey}`;
  }
  return headers;
}

function parseBody<T>(text: string, options: RequestOptions): T {
  if (options.responseType === 'text') return text as T;
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new FlowdeskError('prefect_http_error', 'Prefect answered with a body that is not JSON', {
      cause: error,
      userMessage: 'Prefect answered with something flowdesk could not read.',
    });
  }
}

/** Exponential back-off with "equal jitter": half the step is fixed, half random, capped at maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, attemptNo: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attemptNo);
  return Math.round(step / 2 + (step / 2) * random());
}

/** Retry-After (seconds or an HTTP date) wins over back-off: the server knows when it will answer again. */
function retryDelay(
  response: Response,
  policy: RetryPolicy,
  attemptNo: number,
  random: () => number,
): number {
  const header = response.headers.get('retry-after');
  if (header !== null) {
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    if (Number.isFinite(ms)) return Math.min(policy.maxDelayMs, Math.max(0, Math.round(ms)));
  }
  return backoffDelay(policy, attemptNo, random);
}

/** Duck-typed: fetch errors may come from another realm (e.g. under jest), where instanceof Error fails. */
function describeNetworkError(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { code?: unknown };
  };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  if (typeof cause?.code === 'string') return `network error (${cause.code})`;
  return `network error (${typeof message === 'string' ? message : String(error)})`;
}

function unavailable(method: string, path: string, reason: string, cause?: unknown): FlowdeskError {
  return new FlowdeskError('prefect_unavailable', `Prefect request failed: ${method} ${path} - ${reason}`, {
    cause,
    details: { method, path },
  });
}
