import OpenAI from 'openai';
import {
  callWithRetry,
  isRetryable,
  type RetryPolicy,
  retryDelayMs,
  withDeadline,
} from '../../../src/adapters/llm/call-with-retry';
import { describeLlmError } from '../../../src/adapters/llm/describe-llm-error';
import { attemptMs, minAttemptMs } from '../../../src/adapters/time-budget';

const policy: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
  sleep: async () => {},
  random: () => 1,
};

function httpError(status: number, headers: Record<string, string> = {}) {
  return OpenAI.APIError.generate(
    status,
    { error: { message: 'x', type: 't' } },
    undefined,
    new Headers(headers),
  );
}

describe('retry policy', () => {
  it('retries timeouts, connection errors, 408, 409, 429 and 5xx only', () => {
    expect(isRetryable(new OpenAI.APIConnectionTimeoutError())).toBe(true);
    expect(isRetryable(new OpenAI.APIConnectionError({ message: 'reset' }))).toBe(true);
    for (const status of [408, 409, 429, 500, 502, 503]) expect(isRetryable(httpError(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(isRetryable(httpError(status))).toBe(false);
    expect(isRetryable(new OpenAI.APIUserAbortError())).toBe(false);
    expect(isRetryable(new TypeError('bug'))).toBe(false);
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryDelayMs(httpError(429, { 'retry-after-ms': '250' }), 0, policy)).toBe(250);
    expect(retryDelayMs(httpError(429, { 'retry-after': '3' }), 0, policy)).toBe(3000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryDelayMs(httpError(503, { 'retry-after': inTenSeconds }), 0, policy);
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
    expect(retryDelayMs(httpError(429, { 'retry-after': '60' }), 0, policy)).toBeNull();
  });

  it('backs off exponentially up to the cap without a retry-after', () => {
    expect([0, 1, 2, 5].map((attempt) => retryDelayMs(httpError(500), attempt, policy))).toEqual([
      500, 1000, 2000, 8000,
    ]);
  });

  it('stops after maxRetries and rethrows the last error', async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw httpError(500);
    };
    await expect(callWithRetry(failing, policy, () => {})).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(calls).toBe(3);
  });

  it('starts no retry (and sleeps no back-off) that the overall budget cannot cover', async () => {
    const slept: number[] = [];
    let calls = 0;
    const busy = async () => {
      calls += 1;
      throw httpError(429, { 'retry-after-ms': '900' });
    };
    const budgeted = {
      ...policy,
      budgetMs: 1_000,
      minAttemptMs: 200,
      sleep: async (ms: number) => {
        slept.push(ms);
      },
    };
    await expect(callWithRetry(busy, budgeted, () => {})).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(calls).toBe(1);
    expect(slept).toEqual([]);
    // The same wait fits a larger budget: retried up to maxRetries as before.
    await expect(callWithRetry(busy, { ...budgeted, budgetMs: 10_000 }, () => {})).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    expect(slept).toEqual([900, 900]);
  });

  it('tells each attempt how much of the budget is left, and caps its deadline with it', async () => {
    const left: number[] = [];
    await callWithRetry(
      async (remainingMs) => {
        left.push(remainingMs);
      },
      { ...policy, budgetMs: 5_000 },
      () => {},
    );
    expect(left[0]).toBeLessThanOrEqual(5_000);
    expect(left[0]).toBeGreaterThan(4_000);
    expect(attemptMs(15_000, left[0])).toBe(Math.floor(left[0]));
    expect(attemptMs(300, left[0])).toBe(300);
    expect(minAttemptMs(15_000)).toBe(1_000);
    expect(minAttemptMs(200)).toBe(200);
  });

  it('turns a missed deadline into a recognisable, retryable timeout', async () => {
    const never = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const error = await withDeadline(20, never).catch((caught: unknown) => caught);
    expect(isRetryable(error)).toBe(true);
    expect(describeLlmError(error)).toEqual({ error: 'timeout' });
  });

  it('summarises errors for logs without the provider message', () => {
    const unauthorized = OpenAI.APIError.generate(
      401,
      {
        error: {
          message: 'Incorrect API key provided: sk-abc***xyz',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
      undefined,
      new Headers(),
    );
    expect(describeLlmError(unauthorized)).toEqual({
      error: 'http',
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
  });
});
