/**
 * Builders for valid domain records in tests. Every call returns fresh objects with unique ids;
 * pass overrides for what the test is about, e.g. `buildRequest({ status: 'awaiting_approval' })`.
 */
import type { ConversationContext, Requester, RequestRecord, ThreadRef } from '../../src/core/types';

let sequence = 0;

/** A unique, sortable id; `prefix` helps reading failures. */
export function uniqueId(prefix = 'req'): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function buildRequester(overrides: Partial<Requester> = {}): Requester {
  return {
    id: 'U0TESTUSER',
    name: 'Ann Example',
    email: 'ann@example.com',
    tz: 'Europe/Paris',
    ...overrides,
  };
}

export function buildThread(overrides: Partial<ThreadRef> = {}): ThreadRef {
  return { channel: 'C0TESTCHAN', threadTs: `${1700000000 + sequence}.000100`, isDm: false, ...overrides };
}

export function buildRequest(overrides: Partial<RequestRecord> = {}): RequestRecord {
  const createdAt = overrides.createdAt ?? new Date('2025-01-15T09:30:00.000Z').toISOString();
  return {
    id: uniqueId('req'),
    processId: 'reset-vpn',
    parameters: { user_email: 'ann@example.com' },
    requester: buildRequester(),
    thread: buildThread(),
    status: 'awaiting_confirmation',
    version: 0,
    createdAt,
    updatedAt: createdAt,
    approvals: [],
    messages: {},
    ...overrides,
  };
}

export function buildContext(overrides: Partial<ConversationContext> = {}): ConversationContext {
  return {
    thread: buildThread(),
    turns: [{ role: 'user', text: 'my vpn keeps dropping', at: '2025-01-15T09:30:00.000Z' }],
    updatedAt: '2025-01-15T09:30:00.000Z',
    ...overrides,
  };
}
