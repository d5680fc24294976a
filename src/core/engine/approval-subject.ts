/**
 * What an approver approves: the process, the parameters and the scheduled time shown on the
 * approval card, reduced to a short fingerprint the card carries. A click counts only when the
 * request still has that content, so an approval card left open from before an edit (its update
 * not yet on the approver's screen) cannot approve parameters the approver never saw.
 */
import type { RequestRecord } from '../types';

export function approvalSubject(
  request: Pick<RequestRecord, 'processId' | 'parameters' | 'scheduledAt'>,
): string {
  return fnv1a(stableJson([request.processId, request.parameters, request.scheduledAt ?? null]));
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 32-bit FNV-1a as 8 hex digits: a fingerprint against stale cards, not a security hash. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
