/** Read-only views: `/flowdesk runs`, `/flowdesk status <id>`, `/flowdesk list` and App Home. */
import type { RunSummary } from '../engine-api';
import { FlowdeskError } from '../errors';
import type { ProcessDef, Requester, RequestRecord } from '../types';
import type { EngineContext } from './engine-context';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export async function listRuns(
  ctx: EngineContext,
  actor: Requester,
  options: { all: boolean; isAdmin: boolean; limit?: number },
): Promise<RunSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
  const everyone = options.all && ctx.isAdmin(actor.id, options.isAdmin);
  // Drafts are half-typed requests nobody confirmed: not worth listing. Fetch a little more to fill the page.
  const records = everyone
    ? await ctx.store.listRecentRequests(limit * 2)
    : await ctx.store.listRequestsByUser(actor.id, limit * 2);
  return records
    .filter((request) => request.status !== 'drafted' && request.closedReason !== 'superseded')
    .slice(0, limit)
    .map((request) => summary(ctx, request));
}

export async function requestStatus(
  ctx: EngineContext,
  actor: Requester,
  id: string,
  isAdmin: boolean,
): Promise<RunSummary> {
  const trimmed = id.trim();
  const request = (await ctx.store.getRequest(trimmed)) ?? (await findByRun(ctx, trimmed));
  if (!request || (request.status === 'drafted' && request.requester.id !== actor.id)) {
    throw new FlowdeskError('request_not_found', `no request or run ${trimmed}`, {
      userMessage: `I know no request or run with the id ${trimmed}.`,
    });
  }
  const process = ctx.catalog.current().byId.get(request.processId);
  if (ctx.isAdmin(actor.id, isAdmin)) return { request, ...(process ? { process } : {}) };
  const isApprover = process ? await ctx.access.isApprover(process, actor.id) : false;
  const isOwner = request.requester.id === actor.id;
  if (!isOwner && !isApprover) {
    throw new FlowdeskError('not_allowed', `${actor.id} asked for the status of ${request.id}`, {
      userMessage: 'You can only look at your own requests (or ones you approve).',
    });
  }
  // Status is read from anywhere (slash command), so channels are not checked, only who the user is.
  if (isOwner && !isApprover && process && !(await ctx.access.canUse(process, actor, undefined))) {
    throw new FlowdeskError('access_denied', `${actor.id} no longer has access to ${process.id}`);
  }
  return { request, ...(process ? { process } : {}) };
}

export function listProcesses(ctx: EngineContext, actor: Requester, channel?: string): Promise<ProcessDef[]> {
  return ctx.access.usableProcesses(actor, channel);
}

async function findByRun(ctx: EngineContext, flowRunId: string): Promise<RequestRecord | null> {
  const requestId = await ctx.store.findRequestIdByRun(flowRunId);
  return requestId ? ctx.store.getRequest(requestId) : null;
}

function summary(ctx: EngineContext, request: RequestRecord): RunSummary {
  const process = ctx.catalog.current().byId.get(request.processId);
  return { request, ...(process ? { process } : {}) };
}
