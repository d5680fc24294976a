/**
 * The path every user message takes (mention, DM, thread follow-up): dedupe, show that the bot
 * is working, ask the engine, answer in the request's thread.
 */
import type { webApi } from '@slack/bolt';
import type { Reply } from '../../../core/engine-api';
import { asFlowdeskError } from '../../../core/errors';
import type { ThreadRef } from '../../../core/types';
import { toPlainText } from '../slack-text';
import { withWorkingIndicator } from '../working-indicator';
import type { ListenerDeps } from './listener-deps';

export interface IncomingMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  text: string;
  isDm: boolean;
  /** true for mentions and DMs; undefined for thread follow-ups without a mention. */
  mentioned?: boolean;
  botUserId?: string;
}

export async function handleUserMessage(
  deps: ListenerDeps,
  client: webApi.WebClient,
  message: IncomingMessage,
): Promise<void> {
  const thread: ThreadRef = {
    channel: message.channel,
    threadTs: message.threadTs ?? message.ts,
    isDm: message.isDm,
  };
  const text = toPlainText(message.text, message.botUserId);
  // The answer is posted inside the indicator: the person sees it without waiting for the
  // indicator's removal (a Slack round trip), and the indicator lasts until the answer is there.
  const bookkeeping: Array<() => Promise<void>> = [];
  let remembered = Promise.resolve();
  await withWorkingIndicator(
    deps.workingIndicator,
    client,
    deps.logger,
    { channel: message.channel, ts: message.ts, threadTs: thread.threadTs },
    async () => {
      const replies = await decide(deps, message, thread, text, (work) => bookkeeping.push(work));
      if (replies.length === 0) return; // a duplicate delivery
      await deps.replies.post(thread, replies);
      // Remembering the turn does not change the answer: it is written once the answer is out.
      remembered = runBookkeeping(deps, bookkeeping, message.channel);
    },
    { delayMs: deps.workingIndicatorDelayMs ?? 0 },
  );
  await remembered;
}

async function runBookkeeping(deps: ListenerDeps, work: Array<() => Promise<void>>, channel: string) {
  for (const result of await Promise.allSettled(work.map((run) => run()))) {
    if (result.status === 'rejected') {
      const failure = asFlowdeskError(result.reason);
      deps.logger.error(
        { err: failure, code: failure.code, channel },
        'could not remember the conversation turn',
      );
    }
  }
}

async function decide(
  deps: ListenerDeps,
  message: IncomingMessage,
  thread: ThreadRef,
  text: string,
  defer: (bookkeeping: () => Promise<void>) => void,
): Promise<Reply[]> {
  try {
    const requester = await deps.directory.lookupUser(message.user);
    return await deps.engine.handleMessage({
      requester,
      thread,
      text,
      defer,
      // The message, not the event id: Slack's retries repeat the message, and so do app_mention
      // and message.im when both deliver one DM under two event ids.
      once: { key: `slack:msg:${message.channel}:${message.ts}`, ttlSeconds: deps.eventDedupeTtlSeconds },
      startsThread: message.threadTs === undefined || message.threadTs === message.ts,
      ...(message.mentioned === undefined ? {} : { mentioned: message.mentioned }),
    });
  } catch (error) {
    const failure = asFlowdeskError(error);
    deps.logger.error({ err: failure, code: failure.code, channel: message.channel }, 'handleMessage failed');
    return [{ kind: 'error', text: failure.userMessage, code: failure.code }];
  }
}
