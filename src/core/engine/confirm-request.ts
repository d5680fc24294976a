/**
 * "Run" on a confirmation card. Only the requester or an admin may press it; the first press
 * wins (CAS), later or concurrent presses are told it is already under way. With an approval
 * policy the request waits for approvers; otherwise the winner submits the run (or, in a dry run,
 * says what it would start).
 */
import type { ActionInput, Reply } from '../engine-api';
import { FlowdeskError } from '../errors';
import type { ProcessDef, RequestRecord } from '../types';
import { loadForAction } from './action-guard';
import { audit } from './audit';
import type { EngineContext } from './engine-context';
import { repliesOrError } from './replies';
import { describeSettled } from './request-records';
import { beginSubmit, completeSubmit } from './submit-run';
import { notifySafely, transitionUnlessExpired } from './transition';

export function confirmRequest(ctx: EngineContext, input: ActionInput): Promise<Reply[]> {
  return repliesOrError(ctx.logger, async () => {
    const { process } = await loadForAction(ctx, input);
    const dryRun = ctx.prefect === null;
    const { result, after } = await transitionUnlessExpired(
      ctx,
      input.requestId,
      input.actor.id,
      (current, now) => {
        const retake = current.status === 'submitting' && isStaleSubmit(current, now, ctx.submitStaleMs);
        if (current.status !== 'awaiting_confirmation' && !retake) throw conflict(current);
        if (needsApprovals(process, current)) {
          const expiresAt = new Date(now.getTime() + process.approval!.expiresAfterMs).toISOString();
          const next: RequestRecord = {
            ...current,
            status: 'awaiting_approval',
            confirmedBy: input.actor.id,
            expiresAt,
          };
          return { next, result: 'approval' as const };
        }
        return { next: beginSubmit(current, input.actor.id, dryRun), result: 'submit' as const };
      },
    );
    audit(ctx, 'confirmed', after, input.actor.id, { parameters: after.parameters });
    if (result === 'submit') return completeSubmit(ctx, after, process, input.actor.id);
    await ctx.store.scheduleExpiry(after.id, Date.parse(after.expiresAt!));
    await notifySafely(ctx, after, process, { kind: 'approval_needed' });
    return [{ kind: 'status', request: after, process }];
  });
}

export function needsApprovals(process: ProcessDef, request: RequestRecord): boolean {
  return process.approval !== undefined && request.approvals.length < process.approval.minApprovals;
}

function isStaleSubmit(request: RequestRecord, now: Date, staleMs: number): boolean {
  return now.getTime() - Date.parse(request.updatedAt) > staleMs;
}

export function conflict(request: RequestRecord): FlowdeskError {
  return new FlowdeskError('request_conflict', `request ${request.id} is ${request.status}`, {
    userMessage: describeSettled(request),
  });
}
