/**
 * Registers every Slack listener on the Bolt app.
 */
import type { App } from '@slack/bolt';
import { registerActions } from './actions';
import { registerAppHomeOpened } from './app-home-opened';
import { registerAppMention } from './app-mention';
import { registerCommand } from './command';
import { registerDirectMessage } from './direct-message';
import type { ListenerDeps } from './listener-deps';
import { registerThreadReply } from './thread-reply';
import { registerViews } from './views';

export type { ListenerDeps, ProvideInputArgs } from './listener-deps';

export function register(app: App, deps: ListenerDeps): void {
  registerAppMention(app, deps);
  registerDirectMessage(app, deps);
  registerThreadReply(app, deps);
  registerAppHomeOpened(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerCommand(app, deps);
}
