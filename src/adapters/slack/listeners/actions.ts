/**
 * Card buttons: Run / Edit / Cancel, Approve / Reject, Provide input. Every handler acks first
 * (Slack shows an error after 3 s, and trigger ids expire), then asks the engine, which decides
 * who may do what. Refusals are shown only to the person who clicked.
 */
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionInput, Reply } from '../../../core/engine-api';
import { asFlowdeskError } from '../../../core/errors';
import { ACTION } from '../action-ids';
import { approvalSubjectOfBlock } from '../blocks/approval-card';
import { settleMessageBlocks } from '../blocks/confirmation-card';
import { editModal } from '../blocks/edit-modal';
import { mention } from '../blocks/format';
import { rejectReasonModal } from '../blocks/reject-modal';
import { isRefusal, repliesMessage } from '../blocks/reply-message';
import { errorMessage } from '../blocks/simple-messages';
import { describeSlackError, slackCallFailed } from '../slack-errors';
import type { ListenerDeps } from './listener-deps';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(ACTION.run, (args) =>
    decide(
      deps,
      args,
      (input) => deps.engine.confirm(input),
      (user) => `:arrow_forward: Confirmed by ${mention(user)}.`,
    ),
  );
  app.action<BlockButtonAction>(ACTION.cancel, (args) =>
    decide(
      deps,
      args,
      (input) => deps.engine.cancel(input),
      (user) => `:no_entry_sign: Cancelled by ${mention(user)}.`,
    ),
  );
  // Approval cards exist in several places (thread, DMs): the notifier settles all of them.
  // The card says what it showed, so a card left open from before an edit cannot approve the edit.
  app.action<BlockButtonAction>(ACTION.approve, (args) => {
    const shown = approvalSubjectOfBlock(args.action.block_id);
    return decide(deps, args, (input) =>
      deps.engine.approve(shown ? { ...input, expectedSubject: shown } : input),
    );
  });
  app.action<BlockButtonAction>(ACTION.edit, (args) => openEdit(deps, args));
  app.action<BlockButtonAction>(ACTION.reject, (args) => openReject(deps, args));
  app.action<BlockButtonAction>(ACTION.provideInput, (args) => provideInput(deps, args));
  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });
}

interface Clicked {
  requestId: string;
  userId: string;
  channel?: string;
  messageTs?: string;
  threadTs?: string;
}

async function ackAndRead(deps: ListenerDeps, args: ButtonArgs): Promise<Clicked | undefined> {
  await args.ack();
  const { body, action } = args;
  const clicked: Clicked = {
    requestId: action.value ?? '',
    userId: body.user.id,
    channel: body.channel?.id ?? body.container?.channel_id,
    messageTs: body.message?.ts ?? body.container?.message_ts,
    threadTs: body.message?.thread_ts ?? body.container?.thread_ts,
  };
  if (!REQUEST_ID.test(clicked.requestId)) {
    deps.logger.warn({ actionId: action.action_id }, 'button without a valid request id');
    await refuse(deps, clicked, 'This button is not valid any more.');
    return undefined;
  }
  return clicked;
}

async function actionInput(deps: ListenerDeps, clicked: Clicked): Promise<ActionInput> {
  return {
    actor: await deps.directory.lookupUser(clicked.userId),
    requestId: clicked.requestId,
    ...(clicked.channel ? { channel: clicked.channel } : {}),
    isAdmin: deps.isAdmin(clicked.userId),
  };
}

async function refuse(deps: ListenerDeps, clicked: Clicked, text: string): Promise<void> {
  await refuseWith(deps, clicked, errorMessage(text));
}

async function refuseWith(
  deps: ListenerDeps,
  clicked: Clicked,
  message: ReturnType<typeof errorMessage>,
): Promise<void> {
  if (!clicked.channel) {
    deps.logger.warn({ requestId: clicked.requestId }, 'refusal without a channel to show it in');
    return;
  }
  await deps.replies.ephemeral(
    {
      channel: clicked.channel,
      user: clicked.userId,
      ...(clicked.threadTs ? { threadTs: clicked.threadTs } : {}),
    },
    message,
  );
}

/** The request's thread, from the store (the click may come from a DM copy of a card). */
async function requestThread(deps: ListenerDeps, clicked: Clicked) {
  const request = await deps.store.getRequest(clicked.requestId).catch(() => null);
  if (request) return { channel: request.thread.channel, threadTs: request.thread.threadTs };
  if (clicked.channel)
    return { channel: clicked.channel, threadTs: clicked.threadTs ?? clicked.messageTs ?? '' };
  return undefined;
}

async function decide(
  deps: ListenerDeps,
  args: ButtonArgs,
  call: (input: ActionInput) => Promise<Reply[]>,
  settledNote?: (userId: string) => string,
): Promise<void> {
  const clicked = await ackAndRead(deps, args);
  if (!clicked) return;
  let replies: Reply[];
  try {
    replies = await call(await actionInput(deps, clicked));
  } catch (error) {
    const failure = asFlowdeskError(error);
    deps.logger.warn({ code: failure.code, requestId: clicked.requestId }, 'card action refused or failed');
    await refuse(deps, clicked, failure.userMessage);
    return;
  }
  const refusals = replies.filter(isRefusal);
  const progress = replies.filter((r) => !isRefusal(r));
  if (refusals.length > 0) {
    await refuseWith(deps, clicked, repliesMessage(refusals, deps.now()));
  }
  if (progress.length === 0 && refusals.length > 0) return;
  if (settledNote && clicked.channel && clicked.messageTs) {
    const note = settledNote(clicked.userId);
    await deps.replies.update(
      { channel: clicked.channel, ts: clicked.messageTs },
      { text: note, blocks: settleMessageBlocks(args.body.message?.blocks, note) },
    );
  }
  const thread = await requestThread(deps, clicked);
  if (thread && progress.length > 0) await deps.replies.post(thread, progress);
}

async function openEdit(deps: ListenerDeps, args: ButtonArgs): Promise<void> {
  const clicked = await ackAndRead(deps, args);
  if (!clicked) return;
  try {
    const form = await deps.engine.editForm(await actionInput(deps, clicked));
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: editModal(form) });
  } catch (error) {
    if (describeSlackError(error).kind !== 'other') {
      slackCallFailed(deps, 'views.open', error, { requestId: clicked.requestId });
      await refuse(deps, clicked, 'I could not open the form. Please try again.');
      return;
    }
    await refuse(deps, clicked, asFlowdeskError(error).userMessage);
  }
}

async function openReject(deps: ListenerDeps, args: ButtonArgs): Promise<void> {
  const clicked = await ackAndRead(deps, args);
  if (!clicked) return;
  const request = await deps.store.getRequest(clicked.requestId).catch(() => null);
  if (!request) {
    await refuse(deps, clicked, asFlowdeskError(new Error('request not found')).userMessage);
    return;
  }
  const process = deps.catalog?.current().byId.get(request.processId);
  const view = rejectReasonModal(request, process, { channel: clicked.channel, threadTs: clicked.threadTs });
  try {
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
  } catch (error) {
    slackCallFailed(deps, 'views.open', error, { requestId: request.id });
    await refuse(deps, clicked, 'I could not open the form. Please try again.');
  }
}

async function provideInput(deps: ListenerDeps, args: ButtonArgs): Promise<void> {
  const clicked = await ackAndRead(deps, args);
  if (!clicked) return;
  if (!deps.onProvideInput) {
    await refuse(
      deps,
      clicked,
      'Answering a paused run from Slack is not available yet. Open the run in Prefect.',
    );
    return;
  }
  try {
    await deps.onProvideInput({
      actor: await deps.directory.lookupUser(clicked.userId),
      requestId: clicked.requestId,
      triggerId: args.body.trigger_id,
      client: args.client,
      ...(clicked.channel ? { channel: clicked.channel } : {}),
    });
  } catch (error) {
    await refuse(deps, clicked, asFlowdeskError(error).userMessage);
  }
}
