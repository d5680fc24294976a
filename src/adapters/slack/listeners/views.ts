/**
 * Modal submissions. Edit: the values are converted back from Block Kit, the engine validates
 * them; invalid values are shown in the modal (`response_action: 'errors'`) and nothing changes.
 * Slack waits at most 3 s for that answer, so a slow engine gets a budget: past it, the modal
 * closes and the outcome is posted instead. Reject: the modal closes at once; the engine decides,
 * the approver's confirmation is shown to them and the notifier tells the requester in the thread.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { EditResult } from '../../../core/engine-api';
import { asFlowdeskError } from '../../../core/errors';
import { CALLBACK } from '../action-ids';
import { errorsByBlockId, parseEditSubmission, type SubmittedElement } from '../blocks/edit-modal';
import { mention } from '../blocks/format';
import { readModalMeta } from '../blocks/modal-meta';
import { readRejectReason } from '../blocks/reject-modal';
import { isRefusal, repliesMessage } from '../blocks/reply-message';
import { errorMessage } from '../blocks/simple-messages';
import type { ListenerDeps } from './listener-deps';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type StateValues = Record<string, Record<string, SubmittedElement>>;

const TIMED_OUT = Symbol('timed out');

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(CALLBACK.editModal, (args) => submitEdit(deps, args));
  app.view<ViewSubmitAction>(CALLBACK.rejectModal, (args) => submitReject(deps, args));
}

async function submitEdit(deps: ListenerDeps, args: ViewArgs): Promise<void> {
  const { ack, view, body } = args;
  const requestId = view.private_metadata;
  const values = view.state.values as unknown as StateValues;
  const parsed = parseEditSubmission(values);
  if (Object.keys(parsed.errors).length > 0) {
    await ack({ response_action: 'errors', errors: parsed.errors });
    return;
  }
  const work = (async (): Promise<EditResult> => {
    const actor = await deps.directory.lookupUser(body.user.id);
    return deps.engine.submitEdit({
      actor,
      requestId,
      isAdmin: deps.isAdmin(body.user.id),
      values: parsed.values,
    });
  })();
  const outcome = await Promise.race([
    work.then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
    new Promise<typeof TIMED_OUT>((resolve) =>
      setTimeout(() => resolve(TIMED_OUT), deps.viewSubmitBudgetMs).unref?.(),
    ),
  ]);

  if (outcome === TIMED_OUT) {
    await ack();
    deps.logger.warn(
      { requestId },
      'edit submit took longer than the modal can wait; answering in the thread',
    );
    await work.then(
      (result) => showEditOutcome(deps, requestId, body.user.id, result, undefined),
      (error: unknown) => showEditOutcome(deps, requestId, body.user.id, undefined, error),
    );
    return;
  }
  const firstInput = Object.keys(values)[0];
  if ('error' in outcome) {
    const message = asFlowdeskError(outcome.error).userMessage;
    if (firstInput) {
      await ack({ response_action: 'errors', errors: { [firstInput]: message } });
      return;
    }
    await ack();
    await showEditOutcome(deps, requestId, body.user.id, undefined, outcome.error);
    return;
  }
  if (!outcome.result.ok) {
    const errors = errorsByBlockId(outcome.result.errors, values);
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
  }
  await ack();
  await showEditOutcome(deps, requestId, body.user.id, outcome.result, undefined);
}

/** After the modal closed: the new card in place, or the problem shown to the editor. */
async function showEditOutcome(
  deps: ListenerDeps,
  requestId: string,
  userId: string,
  result: EditResult | undefined,
  error: unknown,
): Promise<void> {
  const request = await deps.store.getRequest(requestId).catch(() => null);
  if (!request) return;
  const thread = { channel: request.thread.channel, threadTs: request.thread.threadTs };
  if (error !== undefined || !result) {
    await deps.replies.ephemeral(
      { ...thread, user: userId },
      errorMessage(asFlowdeskError(error).userMessage),
    );
    return;
  }
  if (!result.ok) {
    const lines = Object.entries(result.errors).map(([name, message]) => `${name}: ${message}`);
    await deps.replies.ephemeral(
      { ...thread, user: userId },
      errorMessage(`Nothing was changed. ${lines.join(' · ')}`),
    );
    return;
  }
  const refusals = result.replies.filter(isRefusal);
  if (refusals.length > 0) {
    await deps.replies.ephemeral({ ...thread, user: userId }, repliesMessage(refusals, deps.now()));
  }
  await deps.replies.post(
    thread,
    result.replies.filter((r) => !isRefusal(r)),
    { updateCardInPlace: true },
  );
}

async function submitReject(deps: ListenerDeps, args: ViewArgs): Promise<void> {
  const { ack, view, body } = args;
  await ack();
  const meta = readModalMeta(view.private_metadata);
  if (!meta) {
    deps.logger.warn('reject modal without request metadata');
    return;
  }
  const reason = readRejectReason(
    view.state.values as unknown as Record<string, Record<string, { value?: string }>>,
  );
  const refuseTo = meta.channel
    ? { channel: meta.channel, user: body.user.id, ...(meta.threadTs ? { threadTs: meta.threadTs } : {}) }
    : undefined;
  try {
    const actor = await deps.directory.lookupUser(body.user.id);
    const replies = await deps.engine.reject({
      actor,
      requestId: meta.requestId,
      isAdmin: deps.isAdmin(body.user.id),
      ...(meta.channel ? { channel: meta.channel } : {}),
      ...(reason ? { reason } : {}),
    });
    const refusals = replies.filter(isRefusal);
    if (refusals.length > 0 && refuseTo) {
      await deps.replies.ephemeral(refuseTo, repliesMessage(refusals, deps.now()));
    }
    const progress = replies.filter((r) => !isRefusal(r));
    // The requester is told in the thread by the notifier; the approver's confirmation is theirs.
    if (progress.length > 0 && refuseTo) {
      await deps.replies.ephemeral(refuseTo, repliesMessage(progress, deps.now()));
      return;
    }
    const request = await deps.store.getRequest(meta.requestId).catch(() => null);
    if (request && progress.length > 0) {
      await deps.replies.post(
        { channel: request.thread.channel, threadTs: request.thread.threadTs },
        progress,
      );
    }
  } catch (error) {
    const failure = asFlowdeskError(error);
    deps.logger.warn(
      { code: failure.code, requestId: meta.requestId, by: mention(body.user.id) },
      'reject refused or failed',
    );
    if (refuseTo) await deps.replies.ephemeral(refuseTo, errorMessage(failure.userMessage));
  }
}
