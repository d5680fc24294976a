/**
 * The checks every button / command on an existing request starts with: the request exists, its
 * process still exists, the actor is the requester (or an admin, or — where the caller allows it —
 * an approver), and the actor may still use the process from where they clicked.
 */
import type { ActionInput } from '../engine-api';
import { FlowdeskError } from '../errors';
import type { ProcessDef, RequestRecord } from '../types';
import type { EngineContext } from './engine-context';

export interface GuardedAction {
  request: RequestRecord;
  process: ProcessDef;
  isAdmin: boolean;
  isOwner: boolean;
}

export async function loadForAction(
  ctx: EngineContext,
  input: ActionInput,
  options: { allowApprovers?: boolean; checkChannel?: boolean } = {},
): Promise<GuardedAction> {
  const request = await ctx.store.getRequest(input.requestId);
  if (!request || (request.status === 'drafted' && request.requester.id !== input.actor.id)) {
    throw new FlowdeskError('request_not_found', `request ${input.requestId} not found`);
  }
  const process = ctx.catalog.current().byId.get(request.processId);
  if (!process) {
    throw new FlowdeskError('process_not_found', `process ${request.processId} no longer in the catalog`, {
      userMessage: 'The process behind this request is no longer available.',
    });
  }
  const isAdmin = ctx.isAdmin(input.actor.id, input.isAdmin);
  const isOwner = request.requester.id === input.actor.id;
  const isApprover =
    options.allowApprovers === true && (await ctx.access.isApprover(process, input.actor.id));
  if (!isOwner && !isAdmin && !isApprover) {
    throw new FlowdeskError(
      'not_allowed',
      `${input.actor.id} acted on ${request.id} of ${request.requester.id}`,
      {
        userMessage: `Only ${request.requester.name} (who asked for it) or an admin can do that.`,
      },
    );
  }
  if (!isAdmin && !isApprover) {
    const channel = options.checkChannel === false ? undefined : (input.channel ?? request.thread.channel);
    if (!(await ctx.access.canUse(process, input.actor, channel))) {
      throw new FlowdeskError('access_denied', `${input.actor.id} may not use ${process.id} in ${channel}`);
    }
  }
  return { request, process, isAdmin, isOwner };
}
