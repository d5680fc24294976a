/**
 * Approve / Reject on an approval card. Only a listed approver's click counts (users, or members
 * of the listed user groups); the requester cannot approve their own request unless the policy
 * allows it; `minApprovals` distinct approvers are needed, and the approval that completes the set
 * moves the request to `submitting` in the same CAS, so the run is created exactly once.
 */
import type { ActionInput, Reply } from '../engine-api';
import { FlowdeskError } from '../errors';
import type { ProcessDef } from '../types';
import { approvalSubject } from './approval-subject';
import { audit } from './audit';
import { conflict } from './confirm-request';
import type { EngineContext } from './engine-context';
import { repliesOrError } from './replies';
import { closeRequest } from './request-records';
import { beginSubmit, completeSubmit } from './submit-run';
import { notifySafely, transitionUnlessExpired } from './transition';

export function approveRequest(ctx: EngineContext, input: ActionInput): Promise<Reply[]> {
  return repliesOrError(ctx.logger, async () => {
    const process = await loadApprovable(ctx, input.requestId);
    if (!(await ctx.access.isApprover(process, input.actor.id))) throw notAnApprover(process);
    const policy = process.approval!;
    const { result, after } = await transitionUnlessExpired(
      ctx,
      input.requestId,
      input.actor.id,
      (current, now) => {
        if (current.status !== 'awaiting_approval') throw conflict(current);
        if (input.expectedSubject !== undefined && input.expectedSubject !== approvalSubject(current)) {
          throw new FlowdeskError('request_conflict', `approval card of ${current.id} is out of date`, {
            userMessage:
              'This approval card is out of date: the request changed after it was posted. Please use the newest approval card.',
          });
        }
        if (current.requester.id === input.actor.id && !policy.selfApproval) {
          throw new FlowdeskError('not_allowed', `${input.actor.id} tried to approve their own request`, {
            userMessage: 'You cannot approve your own request; another approver has to.',
          });
        }
        if (current.approvals.some((approval) => approval.userId === input.actor.id)) {
          return { next: null, result: 'duplicate' as const };
        }
        const approval = { userId: input.actor.id, name: input.actor.name, at: now.toISOString() };
        const approvals = [...current.approvals, approval];
        if (approvals.length < policy.minApprovals) {
          return { next: { ...current, approvals }, result: 'partial' as const };
        }
        return {
          next: beginSubmit({ ...current, approvals }, input.actor.id, ctx.prefect === null),
          result: 'submit' as const,
        };
      },
    );
    if (result === 'duplicate') return [{ kind: 'text', text: 'You have already approved this request.' }];
    audit(ctx, 'approved', after, input.actor.id, {
      approvals: after.approvals.length,
      needed: policy.minApprovals,
    });
    await notifySafely(ctx, after, process, { kind: 'approved', by: input.actor.id });
    if (result === 'partial') {
      const left = policy.minApprovals - after.approvals.length;
      return [
        {
          kind: 'text',
          text: `Approved (${after.approvals.length} of ${policy.minApprovals}); waiting for ${left} more approver${left === 1 ? '' : 's'}.`,
        },
      ];
    }
    const replies = await completeSubmit(ctx, after, process, input.actor.id);
    return [{ kind: 'text', text: `Approved “${process.title}” for ${after.requester.name}.` }, ...replies];
  });
}

export function rejectRequest(
  ctx: EngineContext,
  input: ActionInput & { reason?: string },
): Promise<Reply[]> {
  return repliesOrError(ctx.logger, async () => {
    const process = await loadApprovable(ctx, input.requestId);
    const isAdmin = ctx.isAdmin(input.actor.id, input.isAdmin);
    if (!isAdmin && !(await ctx.access.isApprover(process, input.actor.id))) throw notAnApprover(process);
    const reason = input.reason?.trim().slice(0, 500) || undefined;
    const { after } = await transitionUnlessExpired(ctx, input.requestId, input.actor.id, (current) => {
      if (current.status !== 'awaiting_approval') throw conflict(current);
      return { next: closeRequest(current, 'rejected', { rejectedBy: input.actor.id }), result: null };
    });
    await ctx.store.cancelExpiry(after.id);
    audit(ctx, 'rejected', after, input.actor.id, reason ? { reason } : undefined);
    await notifySafely(ctx, after, process, {
      kind: 'rejected',
      by: input.actor.id,
      ...(reason ? { reason } : {}),
    });
    return [{ kind: 'text', text: `Rejected “${process.title}” for ${after.requester.name}.` }];
  });
}

async function loadApprovable(ctx: EngineContext, requestId: string): Promise<ProcessDef> {
  const request = await ctx.store.getRequest(requestId);
  if (!request) throw new FlowdeskError('request_not_found', `request ${requestId} not found`);
  const process = ctx.catalog.current().byId.get(request.processId);
  if (!process?.approval) {
    throw new FlowdeskError('not_allowed', `process ${request.processId} has no approval policy`, {
      userMessage: 'This request does not need an approval.',
    });
  }
  return process;
}

function notAnApprover(process: ProcessDef): FlowdeskError {
  return new FlowdeskError('not_allowed', `not an approver of ${process.id}`, {
    userMessage: `Only the approvers listed for “${process.title}” can do that.`,
  });
}
