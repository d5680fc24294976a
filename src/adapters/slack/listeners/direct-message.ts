/**
 * `message.im`: direct messages to the bot, top-level or in a thread of the DM.
 */
import type { App } from '@slack/bolt';
import { handleUserMessage } from './handle-user-message';
import type { ListenerDeps } from './listener-deps';

export function registerDirectMessage(app: App, deps: ListenerDeps): void {
  app.message(async ({ message, client, context }) => {
    // Edits, joins, bot posts and other subtypes are not requests.
    if (message.subtype !== undefined || message.channel_type !== 'im') return;
    if (message.bot_id || !message.user || message.user === context.botUserId) return;
    await handleUserMessage(deps, client, {
      channel: message.channel,
      ts: message.ts,
      threadTs: message.thread_ts,
      user: message.user,
      text: message.text ?? '',
      isDm: true,
      mentioned: true,
      botUserId: context.botUserId,
    });
  });
}
