/**
 * Creating the flow run, by whoever won the move to `submitting` (a Run click, or the last
 * approval). Exactly one caller gets here per submission; Prefect's idempotency key (= the
 * request id) covers a retry after a crash or a failed attempt. On failure the request goes back
 * to `awaiting_confirmation` so Run can be pressed again.
 */
import type { Reply } from '../engine-api';
import { asFlowdeskError, FlowdeskError } from '../errors';
import type { CreateFlowRunInput, FlowRunSnapshot } from '../ports';
import { isTerminalState, type ProcessDef, type RequestRecord, type RunInfo } from '../types';
import { audit } from './audit';
import type { EngineContext } from './engine-context';
import { errorReply, formatParameters } from './replies';
import { closeRequest } from './request-records';
import { notifySafely, transition } from './transition';

/** Next record when a submission is accepted: `submitting`, or closed at once in a dry run. */
export function beginSubmit(current: RequestRecord, actorId: string, dryRun: boolean): RequestRecord {
  const confirmed = { ...current, confirmedBy: current.confirmedBy ?? actorId };
  return dryRun ? closeRequest(confirmed, 'dry_run') : { ...confirmed, status: 'submitting' };
}

/** Replies for a request the caller just moved to `submitting` or closed as a dry run. */
export async function completeSubmit(
  ctx: EngineContext,
  request: RequestRecord,
  process: ProcessDef,
  actorId: string,
): Promise<Reply[]> {
  if (request.status === 'closed' && request.closedReason === 'dry_run') {
    audit(ctx, 'closed', request, actorId, { reason: 'dry_run', parameters: request.parameters });
    await ctx.store.cancelExpiry(request.id);
    const when = request.scheduledAt ? ` scheduled for ${request.scheduledAt}` : '';
    return [
      {
        kind: 'text',
        text: `Dry run: would start ${process.deployment}${when} with ${formatParameters(request.parameters)}. Nothing was started.`,
      },
    ];
  }
  return createRun(ctx, request, process, actorId);
}

async function createRun(
  ctx: EngineContext,
  request: RequestRecord,
  process: ProcessDef,
  actorId: string,
): Promise<Reply[]> {
  const prefect = ctx.prefect!;
  let snapshot: FlowRunSnapshot & { created: boolean };
  try {
    const deployment = await prefect.getDeployment(process.deployment);
    snapshot = await prefect.createFlowRun(flowRunInput(deployment.id, request, process));
  } catch (error) {
    await reopenAfterFailure(ctx, request.id);
    ctx.logger.warn({ requestId: request.id, err: asFlowdeskError(error).message }, 'create flow run failed');
    return [errorReply(ctx.logger, error)];
  }
  try {
    return await recordRun(ctx, request, process, actorId, snapshot);
  } catch (error) {
    // The run exists in Prefect now: "nothing was changed" would be false, and Run must stay safe.
    return [errorReply(ctx.logger, startedButNotRecorded(ctx, snapshot, error))];
  }
}

async function recordRun(
  ctx: EngineContext,
  request: RequestRecord,
  process: ProcessDef,
  actorId: string,
  snapshot: FlowRunSnapshot & { created: boolean },
): Promise<Reply[]> {
  await ctx.store.indexRun(snapshot.id, request.id);
  const run = runInfo(ctx, snapshot);
  const terminal = isTerminalState(run.state.type);
  const { after } = await transition(ctx, request.id, (current) =>
    current.status === 'submitting'
      ? { next: { ...current, status: terminal ? 'finished' : 'submitted', run }, result: null }
      : { next: null, result: null },
  );
  if (snapshot.created) ctx.metrics?.countRunStarted(process.id);
  if (!terminal) await ctx.store.addFollowed(request.id);
  await ctx.store.cancelExpiry(request.id);
  audit(ctx, 'started', after, actorId, {
    flowRunId: snapshot.id,
    created: snapshot.created,
    approvedBy: after.approvals.map((approval) => approval.userId),
    ...(after.scheduledAt ? { scheduledAt: after.scheduledAt } : {}),
  });
  if (after.requester.id !== actorId) await notifySafely(ctx, after, process, { kind: 'state_changed' });
  return [{ kind: 'status', request: after, process }];
}

export function flowRunInput(
  deploymentId: string,
  request: RequestRecord,
  process: ProcessDef,
): CreateFlowRunInput {
  const approvers = request.approvals.map((approval) => approval.userId);
  const tags = [
    'flowdesk',
    ...process.tags,
    `requested-by:${request.requester.id}`,
    `request:${request.id}`,
    ...approvers.map((id) => `approved-by:${id}`),
  ];
  // Prefect's UI shows the run name: people's names there, their Slack ids in the tags.
  const approverNames = request.approvals.map((approval) => approval.name ?? approval.userId);
  const approvedBy = approverNames.length > 0 ? `, approved by ${approverNames.join(', ')}` : '';
  return {
    deploymentId,
    parameters: request.parameters,
    idempotencyKey: request.id,
    tags: [...new Set(tags)],
    name: `${process.id} for ${request.requester.name}${approvedBy}`,
    ...(request.scheduledAt ? { scheduledAt: request.scheduledAt } : {}),
    stateMessage: `Requested by ${request.requester.name} (${request.requester.id}) via flowdesk${approvedByWithIds(request)}`,
  };
}

function approvedByWithIds(request: RequestRecord): string {
  const who = request.approvals.map((a) => (a.name ? `${a.name} (${a.userId})` : a.userId));
  return who.length > 0 ? `, approved by ${who.join(', ')}` : '';
}

function runInfo(ctx: EngineContext, snapshot: FlowRunSnapshot): RunInfo {
  return {
    flowRunId: snapshot.id,
    flowRunName: snapshot.name,
    deploymentId: snapshot.deploymentId ?? '',
    url: ctx.prefect!.runUrl(snapshot.id),
    state: snapshot.state,
    ...(snapshot.startTime ? { startedAt: snapshot.startTime } : {}),
    ...(snapshot.endTime ? { endedAt: snapshot.endTime } : {}),
  };
}

/**
 * The request stays `submitting`: once it is stale, Run takes it over and Prefect's idempotency key
 * (the request id) hands back this same run, which is then recorded and followed.
 */
function startedButNotRecorded(ctx: EngineContext, snapshot: FlowRunSnapshot, error: unknown): FlowdeskError {
  const failure = asFlowdeskError(error);
  const why = failure.code === 'store_unavailable' ? ' because its state store (Redis) is unreachable' : '';
  const name = snapshot.name ? ` ${snapshot.name}` : '';
  return new FlowdeskError(
    failure.code,
    `flow run ${snapshot.id} created but not recorded: ${failure.message}`,
    {
      cause: error,
      userMessage:
        `The flow run${name} was started in Prefect (${ctx.prefect!.runUrl(snapshot.id)}), but flowdesk could not record it${why}, ` +
        'so this thread may not follow it yet. Press Run again in a few minutes to link it here: that will not start a second run.',
    },
  );
}

async function reopenAfterFailure(ctx: EngineContext, requestId: string): Promise<void> {
  const { after, changed } = await transition(ctx, requestId, (current, now) =>
    current.status === 'submitting'
      ? {
          next: {
            ...current,
            status: 'awaiting_confirmation',
            expiresAt: new Date(now.getTime() + ctx.draftTtlMs).toISOString(),
          },
          result: null,
        }
      : { next: null, result: null },
  );
  if (changed && after.expiresAt) await ctx.store.scheduleExpiry(after.id, Date.parse(after.expiresAt));
}
