/**
 * A log-safe summary of a failed model call. Provider messages are left out on purpose: a 401 from OpenAI
 * echoes part of the API key ("Incorrect API key provided: sk-ab***yz"), and secrets never reach the logs.
 */
import OpenAI from 'openai';
import { isTimeoutError } from './call-with-retry';

export interface LlmErrorSummary {
  error: string;
  status?: number;
  code?: string;
  type?: string;
  cause?: string;
}

export function describeLlmError(error: unknown): LlmErrorSummary {
  if (isTimeoutError(error)) return { error: 'timeout' };
  if (error instanceof OpenAI.APIConnectionError)
    return { error: 'connection', cause: causeCode(error.cause) };
  if (error instanceof OpenAI.APIError) {
    return withoutUndefined({
      error: 'http',
      status: error.status,
      code: error.code ?? undefined,
      type: error.type ?? undefined,
    });
  }
  return { error: error instanceof Error ? error.name : 'unknown' };
}

/** fetch wraps the socket error (`TypeError: fetch failed` → `{ code: 'ECONNREFUSED' }`): find its code. */
function causeCode(cause: unknown): string | undefined {
  let current = cause;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return cause instanceof Error ? cause.name : undefined;
}

function withoutUndefined(summary: LlmErrorSummary): LlmErrorSummary {
  return Object.fromEntries(
    Object.entries(summary).filter(([, value]) => value !== undefined),
  ) as LlmErrorSummary;
}
