/**
 * Replies in a channel thread where the bot already takes part (`message.channels` /
 * `message.groups`), so people can answer a question or say "make it staging instead" without
 * mentioning the bot again. A thread counts when the store has its conversation context, which
 * the engine keeps for threads the bot answered in.
 */
import type { App } from '@slack/bolt';
import { mentionsUser } from '../slack-text';
import { handleUserMessage } from './handle-user-message';
import type { ListenerDeps } from './listener-deps';

export function registerThreadReply(app: App, deps: ListenerDeps): void {
  app.message(async ({ message, client, context }) => {
    if (message.subtype !== undefined) return;
    if (message.channel_type !== 'channel' && message.channel_type !== 'group') return;
    if (message.bot_id || !message.user || message.user === context.botUserId) return;
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    // A mention arrives as app_mention too; that listener answers it.
    if (mentionsUser(message.text, context.botUserId)) return;
    const thread = { channel: message.channel, threadTs: message.thread_ts, isDm: false };
    let known = false;
    try {
      known = (await deps.store.getContext(thread)) !== null;
    } catch (error) {
      deps.logger.warn(
        { err: error, channel: message.channel },
        'cannot tell whether the bot is in this thread',
      );
    }
    if (!known) return;
    await handleUserMessage(deps, client, {
      channel: message.channel,
      ts: message.ts,
      threadTs: message.thread_ts,
      user: message.user,
      text: message.text ?? '',
      isDm: false,
      botUserId: context.botUserId,
    });
  });
}
