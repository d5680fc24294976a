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

/** Claims an event (and the message behind it) once; false when it was already handled. */
export async function claimEvent(deps: ListenerDeps, eventId: string | undefined, messageKey?: string) {
  try {
    const ttl = deps.eventDedupeTtlSeconds;
    // Both claims at once (one round trip): the event id catches Slack's retries, the message key
    // catches app_mention and message.* delivering the same message under two event ids.
    const claims = await Promise.all([
      eventId ? deps.store.claimOnce(`slack:event:${eventId}`, ttl) : true,
      messageKey ? deps.store.claimOnce(`slack:msg:${messageKey}`, ttl) : true,
    ]);
    return claims.every(Boolean);
  } catch (error) {
    // The store is down: the engine will fail too and say so; better than silence.
    deps.logger.warn({ eventId, err: error }, 'event dedupe unavailable');
    return true;
  }
}

export async function handleUserMessage(
  deps: ListenerDeps,
  client: webApi.WebClient,
  message: IncomingMessage,
): Promise<void> {
  if (!(await claimEvent(deps, message.eventId, `${message.channel}:${message.ts}`))) {
    deps.logger.debug({ eventId: message.eventId }, 'duplicate Slack event ignored');
    return;
  }
  const thread: ThreadRef = {
    channel: message.channel,
    threadTs: message.threadTs ?? message.ts,
    isDm: message.isDm,
  };
  const text = toPlainText(message.text, message.botUserId);
  // The answer is posted inside the indicator: the person sees it without waiting for the
  // indicator's removal (a Slack round trip), and the indicator lasts until the answer is there.
  // Remembering the turn does not change the answer: it is written while the answer is posted.
  const bookkeeping: Array<Promise<void>> = [];
  await withWorkingIndicator(
    deps.workingIndicator,
    client,
    deps.logger,
    { channel: message.channel, ts: message.ts, threadTs: thread.threadTs },
    async () =>
      deps.replies.post(thread, await decide(deps, message, thread, text, (work) => bookkeeping.push(work))),
    { delayMs: deps.workingIndicatorDelayMs ?? 0 },
  );
  await settleBookkeeping(deps, bookkeeping, message.channel);
}

async function settleBookkeeping(deps: ListenerDeps, work: Array<Promise<void>>, channel: string) {
  for (const result of await Promise.allSettled(work)) {
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
  defer: (bookkeeping: Promise<void>) => void,
): Promise<Reply[]> {
  try {
    const requester = await deps.directory.lookupUser(message.user);
    return await deps.engine.handleMessage({
      requester,
      thread,
      text,
      defer,
      ...(message.mentioned === undefined ? {} : { mentioned: message.mentioned }),
    });
  } catch (error) {
    const failure = asFlowdeskError(error);
    deps.logger.error({ err: failure, code: failure.code, channel: message.channel }, 'handleMessage failed');
    return [{ kind: 'error', text: failure.userMessage, code: failure.code }];
  }
}
