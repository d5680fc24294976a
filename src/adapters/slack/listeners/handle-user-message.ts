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
  eventId?: string;
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

/**
 * Claims a message once; false when it was already handled. The key is the message (channel and
 * ts), not the event id: Slack's retries repeat the message, and so do app_mention and message.*
 * when both deliver one message under two event ids. One key is one command on the hot path.
 */
async function claimMessage(
  deps: ListenerDeps,
  message: Pick<IncomingMessage, 'channel' | 'ts' | 'eventId'>,
) {
  try {
    return await deps.store.claimOnce(
      `slack:msg:${message.channel}:${message.ts}`,
      deps.eventDedupeTtlSeconds,
    );
  } catch (error) {
    // The store is down: the engine will fail too and say so; better than silence.
    deps.logger.warn({ eventId: message.eventId, err: error }, 'event dedupe unavailable');
    return true;
  }
}

export async function handleUserMessage(
  deps: ListenerDeps,
  client: webApi.WebClient,
  message: IncomingMessage,
): Promise<void> {
  // The once-only claim is in flight while the engine reads and routes; the engine changes nothing
  // and nothing is posted until it says the message is new. A new message does not wait for it.
  const admitted = claimMessage(deps, message);
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
      const replies = await decide(deps, message, thread, text, admitted, (work) => bookkeeping.push(work));
      if (!(await admitted)) return;
      await deps.replies.post(thread, replies);
      // Remembering the turn does not change the answer: it is written once the answer is out.
      remembered = runBookkeeping(deps, bookkeeping, message.channel);
    },
    { delayMs: deps.workingIndicatorDelayMs ?? 0 },
  );
  if (!(await admitted)) deps.logger.debug({ eventId: message.eventId }, 'duplicate Slack event ignored');
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
  admitted: Promise<boolean>,
  defer: (bookkeeping: () => Promise<void>) => void,
): Promise<Reply[]> {
  try {
    const requester = await deps.directory.lookupUser(message.user);
    return await deps.engine.handleMessage({
      requester,
      thread,
      text,
      defer,
      admitted,
      startsThread: message.threadTs === undefined || message.threadTs === message.ts,
      ...(message.mentioned === undefined ? {} : { mentioned: message.mentioned }),
    });
  } catch (error) {
    const failure = asFlowdeskError(error);
    deps.logger.error({ err: failure, code: failure.code, channel: message.channel }, 'handleMessage failed');
    return [{ kind: 'error', text: failure.userMessage, code: failure.code }];
  }
}
