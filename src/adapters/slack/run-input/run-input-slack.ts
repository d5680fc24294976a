/**
 * Slack side of answering a paused run: "Provide input" opens a modal generated from the run's
 * input schema; its submission is validated and sent by the run-input service. Field errors stay
 * in the modal (`response_action: 'errors'`); the outcome (the run continues, or no longer waits)
 * is posted in the request's thread and the prompt loses its button. Slack waits at most 3 s for
 * a view submission's answer, so the service gets a budget: past it the modal closes and the
 * outcome is posted when it is known.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from '@slack/bolt';
import { asFlowdeskError, FlowdeskError } from '../../../core/errors';
import type { Directory, Logger } from '../../../core/ports';
import type { InputSubmission, RunInputService } from '../../../core/run-input/run-input-service';
import type { MessageRef } from '../../../core/types';
import { CALLBACK } from '../action-ids';
import type { SlackMessage } from '../blocks/confirmation-card';
import { errorsByBlockId, parseEditSubmission, type SubmittedElement } from '../blocks/edit-modal';
import { escapeMrkdwn, mention } from '../blocks/format';
import { fallbackText, section } from '../blocks/limits';
import { type RequestModalMeta, readModalMeta } from '../blocks/modal-meta';
import type { ProvideInputArgs } from '../listeners';
import { type MessageRefs, REF } from '../message-refs';
import { describeSlackError, type SlackErrorInfo, slackCallFailed } from '../slack-errors';
import { inputModal } from './input-modal';

export interface RunInputSlackDeps {
  service: Pick<RunInputService, 'inputForm' | 'submitInput'>;
  logger: Logger;
  isAdmin: (userId: string) => boolean;
  /** Time the service gets on a submit before the modal closes (default 2500 ms). */
  submitBudgetMs?: number;
  onApiError?: (method: string, info: SlackErrorInfo) => void;
}

export interface RunInputSlack {
  /** The "Provide input" button (`onProvideInput` of the Slack app). */
  openForm(args: ProvideInputArgs): Promise<void>;
  /** Registers the modal's submission handler. */
  register(app: App, ports: { directory: Directory; refs: MessageRefs }): void;
}

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type StateValues = Record<string, Record<string, SubmittedElement>>;

const TIMED_OUT = Symbol('timed out');

export function createRunInputSlack(deps: RunInputSlackDeps): RunInputSlack {
  return {
    async openForm(args) {
      const form = await deps.service.inputForm(args.actor, args.requestId, {
        isAdmin: deps.isAdmin(args.actor.id),
      });
      const view = inputModal(form, {
        requestId: form.request.id,
        ...(args.channel ? { channel: args.channel } : {}),
        threadTs: form.request.thread.threadTs,
      });
      try {
        await args.client.views.open({ trigger_id: args.triggerId, view });
      } catch (error) {
        if (describeSlackError(error).kind === 'other') throw error;
        slackCallFailed(deps, 'views.open', error, { requestId: args.requestId });
        throw new FlowdeskError('slack_api_error', 'views.open failed for the input form', {
          userMessage: 'I could not open the form. Please try again.',
        });
      }
    },
    register(app, ports) {
      app.view<ViewSubmitAction>(CALLBACK.inputModal, (args) => submit(deps, ports, args));
    },
  };
}

async function submit(
  deps: RunInputSlackDeps,
  ports: { directory: Directory; refs: MessageRefs },
  args: ViewArgs,
): Promise<void> {
  const { ack, view, body, client } = args;
  const meta = readModalMeta(view.private_metadata);
  if (!meta) {
    await ack();
    deps.logger.warn('input modal without request metadata');
    return;
  }
  const values = view.state.values as unknown as StateValues;
  const parsed = parseEditSubmission(values);
  if (Object.keys(parsed.errors).length > 0) {
    await ack({ response_action: 'errors', errors: parsed.errors });
    return;
  }
  const userId = body.user.id;
  const work = (async () => {
    const actor = await ports.directory.lookupUser(userId);
    return deps.service.submitInput(actor, meta.requestId, parsed.values, { isAdmin: deps.isAdmin(userId) });
  })();
  const settled = work.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  const outcome = await Promise.race([settled, budget(deps.submitBudgetMs ?? 2500)]);
  const show = (done: { result: InputSubmission } | { error: unknown }) =>
    announce(deps, ports.refs, client, meta, userId, done);
  if (outcome === TIMED_OUT) {
    await ack();
    deps.logger.warn({ requestId: meta.requestId }, 'input submit took longer than the modal can wait');
    await show(await settled);
    return;
  }
  const errors = modalErrors(outcome, values);
  if (errors) {
    await ack({ response_action: 'errors', errors });
    return;
  }
  await ack();
  await show(outcome);
}

function budget(ms: number): Promise<typeof TIMED_OUT> {
  return new Promise((resolve) => setTimeout(() => resolve(TIMED_OUT), ms).unref?.());
}

/** Errors to show in the open modal (the person can correct them), or undefined to close it. */
function modalErrors(
  outcome: { result: InputSubmission } | { error: unknown },
  values: StateValues,
): Record<string, string> | undefined {
  const firstInput = Object.keys(values)[0];
  if ('error' in outcome) {
    return firstInput ? { [firstInput]: asFlowdeskError(outcome.error).userMessage } : undefined;
  }
  const result = outcome.result;
  if (result.outcome !== 'invalid' && result.outcome !== 'rejected') return undefined;
  const byBlock = errorsByBlockId(result.errors, values);
  if (Object.keys(byBlock).length > 0) return byBlock;
  return firstInput ? { [firstInput]: result.message } : undefined;
}

/** After the modal closed: the outcome in the request's thread (or to the person, for a refusal). */
async function announce(
  deps: RunInputSlackDeps,
  refs: MessageRefs,
  client: webApi.WebClient,
  meta: RequestModalMeta,
  userId: string,
  done: { result: InputSubmission } | { error: unknown },
): Promise<void> {
  if ('error' in done) {
    const failure = asFlowdeskError(done.error);
    deps.logger.warn({ code: failure.code, requestId: meta.requestId }, 'run input refused or failed');
    if (meta.channel)
      await ephemeral(deps, client, meta, userId, `:warning: ${escapeMrkdwn(failure.userMessage)}`);
    return;
  }
  const { result } = done;
  const thread = { channel: result.request.thread.channel, threadTs: result.request.thread.threadTs };
  if (result.outcome === 'invalid' || result.outcome === 'rejected') {
    const details = Object.entries(result.errors).map(([name, message]) => `${name}: ${message}`);
    const text = [result.message, ...details].join(' · ');
    await ephemeral(
      deps,
      client,
      { ...meta, channel: thread.channel, threadTs: thread.threadTs },
      userId,
      `:warning: ${escapeMrkdwn(text)}`,
    );
    return;
  }
  const line =
    result.outcome === 'accepted'
      ? `:arrow_forward: ${mention(userId)} sent the input. ${escapeMrkdwn(result.message)}`
      : `:warning: ${escapeMrkdwn(result.message)}`;
  await postInThread(deps, client, thread, message(line));
  await settlePrompt(
    deps,
    refs,
    client,
    result.request.id,
    result.outcome === 'accepted' ? line : `:double_vertical_bar: ${escapeMrkdwn(result.message)}`,
  );
}

function message(line: string): SlackMessage {
  return { text: fallbackText(line), blocks: [section(line)] };
}

async function postInThread(
  deps: RunInputSlackDeps,
  client: webApi.WebClient,
  thread: { channel: string; threadTs: string },
  msg: SlackMessage,
): Promise<void> {
  try {
    await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, ...msg });
  } catch (error) {
    slackCallFailed(deps, 'chat.postMessage', error, { channel: thread.channel });
  }
}

async function ephemeral(
  deps: RunInputSlackDeps,
  client: webApi.WebClient,
  meta: RequestModalMeta,
  userId: string,
  line: string,
): Promise<void> {
  if (!meta.channel) return;
  try {
    await client.chat.postEphemeral({
      channel: meta.channel,
      user: userId,
      ...message(line),
      ...(meta.threadTs ? { thread_ts: meta.threadTs } : {}),
    });
  } catch (error) {
    slackCallFailed(deps, 'chat.postEphemeral', error, { channel: meta.channel });
  }
}

/** The "Provide input" prompt says what happened instead of offering a button that no longer works. */
async function settlePrompt(
  deps: RunInputSlackDeps,
  refs: MessageRefs,
  client: webApi.WebClient,
  requestId: string,
  line: string,
): Promise<void> {
  let ref: MessageRef | undefined;
  try {
    ref = await refs.get(requestId, REF.input);
  } catch {
    return;
  }
  if (!ref) return;
  try {
    await client.chat.update({ channel: ref.channel, ts: ref.ts, ...message(line) });
  } catch (error) {
    slackCallFailed(deps, 'chat.update', error, { channel: ref.channel });
  }
}
