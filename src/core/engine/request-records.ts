/** Pure helpers that build request records and their next states. */
import type { ParameterValues, Requester, RequestRecord, RequestStatus, ThreadRef } from '../types';

/** Statuses that close by themselves when `expiresAt` passes. */
const EXPIRING: readonly RequestStatus[] = ['drafted', 'awaiting_confirmation', 'awaiting_approval'];

export function isExpired(request: RequestRecord, now: Date): boolean {
  if (!EXPIRING.includes(request.status) || !request.expiresAt) return false;
  return now.getTime() > Date.parse(request.expiresAt);
}

export function isExpiring(request: RequestRecord): boolean {
  return EXPIRING.includes(request.status);
}

export function newRequestRecord(input: {
  id: string;
  processId: string;
  parameters: ParameterValues;
  requester: Requester;
  thread: ThreadRef;
  status: 'drafted' | 'awaiting_confirmation';
  now: Date;
  ttlMs: number;
  scheduledAt?: string;
}): RequestRecord {
  const at = input.now.toISOString();
  return {
    id: input.id,
    processId: input.processId,
    parameters: input.parameters,
    requester: input.requester,
    thread: input.thread,
    status: input.status,
    version: 1,
    createdAt: at,
    updatedAt: at,
    expiresAt: new Date(input.now.getTime() + input.ttlMs).toISOString(),
    ...(input.scheduledAt ? { scheduledAt: input.scheduledAt } : {}),
    approvals: [],
    messages: {},
  };
}

export function closeRequest(
  request: RequestRecord,
  reason: string,
  extra: Partial<RequestRecord> = {},
): RequestRecord {
  return { ...request, ...extra, status: 'closed', closedReason: reason };
}

/** What a user is told when a request is no longer in the state their click expected. */
export function describeSettled(request: RequestRecord): string {
  switch (request.status) {
    case 'submitting':
      return `This request is already being started${byWhom(request)}.`;
    case 'submitted':
    case 'finished':
      return `This request was already started${byWhom(request)}${request.run ? ` (run ${request.run.flowRunName ?? request.run.flowRunId})` : ''}.`;
    case 'awaiting_approval':
      return 'This request is already waiting for approval.';
    case 'drafted':
      return 'This request is being changed in its thread; answer the question there first.';
    case 'closed':
      return `This request is closed (${describeReason(request)}).`;
    default:
      return 'That request has already been handled.';
  }
}

function byWhom(request: RequestRecord): string {
  const who = request.confirmedBy ?? request.approvals.at(-1)?.userId;
  if (!who) return '';
  return who === request.requester.id ? ` by ${request.requester.name}` : ` by <@${who}>`;
}

export function describeReason(request: RequestRecord): string {
  switch (request.closedReason) {
    case 'cancelled':
      return request.cancelledBy ? `cancelled by ${nameOf(request, request.cancelledBy)}` : 'cancelled';
    case 'rejected':
      return request.rejectedBy ? `rejected by ${nameOf(request, request.rejectedBy)}` : 'rejected';
    case 'dry_run':
      return 'dry run, nothing was started';
    default:
      return request.closedReason ?? 'closed';
  }
}

function nameOf(request: RequestRecord, userId: string): string {
  return userId === request.requester.id ? request.requester.name : `<@${userId}>`;
}
