/**
 * Checks shared by every Store adapter, so Redis and memory reject the same bad input the same way
 * (before anything is written) and index requests with the same scores and caps.
 */
import { FlowdeskError } from '../../core/errors';
import type { RequestRecord } from '../../core/types';

/** How many requests the global "recent" index keeps (older ones stay readable by id). */
export const RECENT_REQUESTS_MAX = 5000;
/** How many requests each user's index keeps: enough for App Home and `/flowdesk runs`. */
export const USER_REQUESTS_MAX = 1000;

function invalid(message: string): FlowdeskError {
  // A caller bug, not a user mistake: 'internal' keeps the detail in logs and a generic message for people.
  return new FlowdeskError('internal', `Store: ${message}`);
}

export function requireKey(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${name} must be a non-empty string`);
  return value;
}

/** A TTL in milliseconds, rounded up so that a fractional value never becomes 0 (= no expiry). */
export function requireTtlMs(name: string, ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw invalid(`${name} must be a positive number (got ${String(ttlMs)})`);
  }
  return Math.ceil(ttlMs);
}

export function requireVersion(name: string, version: number): number {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw invalid(`${name} must be a non-negative integer (got ${String(version)})`);
  }
  return version;
}

export function requireScore(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a finite number`);
  return value;
}

/** A list limit: non-positive means "nothing" rather than Redis's "everything" for negative counts. */
export function normalizeLimit(limit: number): number {
  if (typeof limit !== 'number' || Number.isNaN(limit)) throw invalid('limit must be a number');
  return limit <= 0 ? 0 : Math.floor(Math.min(limit, Number.MAX_SAFE_INTEGER));
}

/** Validates a record before it is written and returns its index score (createdAt in ms). */
export function requestScore(request: RequestRecord): number {
  if (typeof request !== 'object' || request === null) throw invalid('request must be an object');
  requireKey('request.id', request.id);
  requireKey('request.requester.id', request.requester?.id);
  requireVersion('request.version', request.version);
  const createdMs = Date.parse(request.createdAt);
  if (Number.isNaN(createdMs)) {
    throw invalid(`request.createdAt must be an ISO date (got ${JSON.stringify(request.createdAt)})`);
  }
  return createdMs;
}
