/**
 * Turns Web API failures into something loggable and decidable: rate limited (with Retry-After),
 * a platform error code (`channel_not_found`, `not_in_channel`, …), an HTTP error, or a network
 * error. Never includes request bodies or tokens.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports';
import { SlackCallError } from './slack-chat-api';

export type SlackErrorKind = 'rate_limited' | 'platform' | 'http' | 'network' | 'other';

export interface SlackErrorInfo {
  kind: SlackErrorKind;
  /** Slack's error code (`channel_not_found`), `http_<status>`, or a short description. */
  code: string;
  /** Seconds to wait, for rate limits. */
  retryAfter?: number;
}

export function describeSlackError(error: unknown): SlackErrorInfo {
  if (error instanceof SlackCallError) return error.info;
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return { kind: 'rate_limited', code: 'ratelimited', retryAfter: error.retryAfter };
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    return { kind: 'platform', code: String(error.data.error) };
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const retryAfter = Number(error.headers?.['retry-after']);
    return {
      kind: error.statusCode === 429 ? 'rate_limited' : 'http',
      code: `http_${error.statusCode}`,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
    };
  }
  if (error instanceof webApi.WebAPIRequestError) {
    return { kind: 'network', code: (error.original?.message ?? 'request_error').slice(0, 200) };
  }
  return {
    kind: 'other',
    code: error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200),
  };
}

/** Errors that will not go away by retrying the same call. */
export function isPermanentSlackError(info: SlackErrorInfo): boolean {
  if (info.kind === 'platform') return info.code !== 'ratelimited' && info.code !== 'internal_error';
  if (info.kind === 'http') return !/^http_5\d\d$/.test(info.code);
  return info.kind === 'other';
}

/** The wait before retrying: Slack's Retry-After for a rate limit, else base × 2^attempt, capped. */
export function retryWaitMs(
  info: SlackErrorInfo,
  attempt: number,
  backoff: { baseMs: number; maxMs: number },
) {
  if (info.kind === 'rate_limited') return (info.retryAfter ?? 1) * 1000;
  return Math.min(backoff.baseMs * 2 ** attempt, backoff.maxMs);
}

/** Logs a failed Web API call and counts it; returns what went wrong. */
export function slackCallFailed(
  deps: { logger: Logger; onApiError?: (method: string, info: SlackErrorInfo) => void },
  method: string,
  error: unknown,
  extra: Record<string, unknown> = {},
): SlackErrorInfo {
  const info = describeSlackError(error);
  deps.onApiError?.(method, info);
  deps.logger.error({ method, slackError: info, ...extra }, `Slack ${method} failed`);
  return info;
}
