/**
 * `app_home_opened` (Home tab): your recent requests and runs, and what you may request.
 */
import type { App } from '@slack/bolt';
import { asFlowdeskError } from '../../../core/errors';
import { appHomeView } from '../blocks/app-home';
import { slackCallFailed } from '../slack-errors';
import type { ListenerDeps } from './listener-deps';

export function registerAppHomeOpened(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const user = await deps.directory.lookupUser(event.user);
    const isAdmin = deps.isAdmin(event.user);
    const problems: string[] = [];
    const [runs, processes] = await Promise.all([
      deps.engine.listRuns(user, { all: false, isAdmin, limit: 15 }).catch((error: unknown) => {
        problems.push(asFlowdeskError(error).userMessage);
        return [];
      }),
      deps.engine.listProcesses(user).catch((error: unknown) => {
        problems.push(asFlowdeskError(error).userMessage);
        return [];
      }),
    ]);
    const view = appHomeView({ user, runs, processes, ...(problems[0] ? { problem: problems[0] } : {}) });
    try {
      await client.views.publish({ user_id: event.user, view });
    } catch (error) {
      slackCallFailed(deps, 'views.publish', error, { user: event.user });
    }
  });
}
