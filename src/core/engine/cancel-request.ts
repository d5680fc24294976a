/**
 * "Cancel" on a card or `/flowdesk cancel <id>`: before a run exists the request simply closes;
 * once a run exists, Prefect is asked to cancel it (CANCELLING, force=false) and the outcome is
 * reported as Prefect gave it. Only the requester or an admin may cancel.
 */
import type { ActionInput, Reply } from '../engine-api';
import { FlowdeskError } from '../errors';
import type { CancelOutcome } from '../ports';
import type { ProcessDef, RequestRecord } from '../types';
import { loadForAction } from './action-guard';
import { audit } from './audit';
import { conflict } from './confirm-request';
import type { EngineContext } from './engine-context';
import { repliesOrError } from './replies';
import { closeRequest, isExpiring } from './request-records';
import { notifySafely, transition, transitionUnlessExpired } from './transition';

export function cancelRequest(ctx: EngineContext, input: ActionInput): Promise<Reply[]> {
  return repliesOrError(ctx.logger, async () => {
    // Cancelling only takes something back, so the requester may do it from anywhere (a DM,
    // `/flowdesk cancel` in another channel): the channel list is not checked, who they are is.
    const { process } = await loadForAction(ctx, input, { checkChannel: false });
    const { result, after } = await transitionUnlessExpired(
      ctx,
      input.requestId,
      input.actor.id,
      (current) => {
        if (isExpiring(current)) {
          return {
            next: closeRequest(current, 'cancelled', { cancelledBy: input.actor.id }),
            result: 'closed' as const,
          };
        }
        if (current.status === 'submitted' && current.run) return { next: null, result: 'run' as const };
        if (current.status === 'submitting') {
          throw new FlowdeskError('request_conflict', `request ${current.id} is submitting`, {
            userMessage: 'The run is being started right now; try cancelling again in a moment.',
          });
        }
        if (current.status === 'finished' && current.run) {
          throw new FlowdeskError('request_conflict', `request ${current.id} finished`, {
            userMessage: `The run has already finished (${current.run.state.name}).`,
          });
        }
        throw conflict(current);
      },
    );
    if (result === 'run') return cancelRun(ctx, after, process, input.actor);
    await ctx.store.cancelExpiry(after.id);
    audit(ctx, 'cancelled', after, input.actor.id, { before: 'run' });
    await notifySafely(ctx, after, process, { kind: 'cancelled', by: input.actor.id });
    return [{ kind: 'text', text: `Cancelled “${process.title}”. Nothing was started.` }];
  });
}

async function cancelRun(
  ctx: EngineContext,
  request: RequestRecord,
  process: ProcessDef,
  actor: ActionInput['actor'],
): Promise<Reply[]> {
  if (!ctx.prefect) {
    throw new FlowdeskError('prefect_unavailable', 'dry run: cannot cancel a Prefect run', {
      userMessage: 'flowdesk runs in dry-run mode here, so it cannot cancel the Prefect run.',
    });
  }
  const runId = request.run!.flowRunId;
  const outcome = await ctx.prefect.cancelFlowRun(
    runId,
    `Cancelled by ${actor.name} (${actor.id}) via flowdesk`,
  );
  if (outcome.outcome === 'cancelling' || outcome.outcome === 'cancelled') {
    const { after } = await transition(ctx, request.id, (current) => ({
      next: { ...current, cancelledBy: actor.id },
      result: null,
    }));
    await notifySafely(ctx, after, process, { kind: 'cancelled', by: actor.id });
  }
  audit(ctx, 'cancelled', request, actor.id, { flowRunId: runId, outcome: outcome.outcome });
  return [{ kind: 'text', text: describeCancelOutcome(outcome) }];
}

export function describeCancelOutcome(outcome: CancelOutcome): string {
  switch (outcome.outcome) {
    case 'cancelling':
      return 'Cancelling the run… I will update the status when it has stopped.';
    case 'cancelled':
      return 'The run is cancelled.';
    case 'already_terminal':
      return `The run had already finished (${outcome.reason}); nothing to cancel.`;
    case 'refused':
      return `Prefect refused to cancel the run: ${outcome.reason}`;
  }
}
