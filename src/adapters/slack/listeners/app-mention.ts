/**
 * `app_mention` in channels: the main way people ask in public.
 */
import type { App } from '@slack/bolt';
import { handleUserMessage } from './handle-user-message';
import type { ListenerDeps } from './listener-deps';

export function registerAppMention(app: App, deps: ListenerDeps): void {
  app.event('app_mention', async ({ event, client, context }) => {
    if (!event.user || event.bot_id || (event.subtype && event.subtype !== 'thread_broadcast')) return;
    await handleUserMessage(deps, client, {
      channel: event.channel,
      ts: event.ts,
      threadTs: event.thread_ts,
      user: event.user,
      text: event.text ?? '',
      isDm: event.channel.startsWith('D'),
      mentioned: true,
      botUserId: context.botUserId,
    });
  });
}
