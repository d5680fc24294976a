/**
 * `flowdesk start`: the Slack bot on top of the runtime. Refuses to start without the Slack
 * credentials (and says exactly which and where to find them), plugs the Slack notifier and
 * directory into the runtime, and serves the Slack endpoint and the HTTP routes on PORT.
 */
import type { CustomRoute } from '@slack/bolt';
import type { Runtime } from '../../app/build-runtime';
import type { Config } from '../../config';
import { FlowdeskError } from '../../core/errors';
import { createSlackApp, type SlackApp } from './create-slack-app';
import { healthzRoute, readyzRoute, withDefaults } from './default-routes';
import type { ProvideInputArgs } from './listeners';
import type { SlackErrorInfo } from './slack-errors';

export interface StartSlackOptions {
  /** `/webhooks/prefect`, `/metrics`, `/readyz`… built by their owners; defaults fill the gaps. */
  routes?: CustomRoute[];
  /** Opens the input form of a paused run (run-input feature). */
  onProvideInput?: (args: ProvideInputArgs) => Promise<void>;
  /** Counts Slack API errors (metrics). */
  onApiError?: (method: string, info: SlackErrorInfo) => void;
  /** Overrides PORT (tests: 0). */
  port?: number;
}

export interface SlackBot {
  /** The bound port (HTTP mode) or PORT (Socket Mode, for the HTTP routes). */
  port: number;
  slack: SlackApp;
  stop(): Promise<void>;
}

/** The message that says what to set, or undefined when Slack can start. */
export function missingSlackCredentials(
  config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN'>,
) {
  const missing: string[] = [];
  if (!config.SLACK_BOT_TOKEN) {
    missing.push(
      'SLACK_BOT_TOKEN: the bot token (xoxb-…), from your Slack app → OAuth & Permissions → Bot User OAuth Token.',
    );
  }
  if (!config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) {
    missing.push(
      'SLACK_SIGNING_SECRET for HTTP mode (Basic Information → App Credentials → Signing Secret), ' +
        'or SLACK_APP_TOKEN for Socket Mode (Basic Information → App-Level Tokens, scope connections:write, xapp-…).',
    );
  }
  if (missing.length === 0) return undefined;
  return [
    'flowdesk start needs Slack credentials. Set:',
    ...missing.map((m) => `  - ${m}`),
    'Put them in the environment or in .env (see manifest.json to create the app). To try flowdesk without Slack, run `flowdesk chat`.',
  ].join('\n');
}

export async function startSlackBot(runtime: Runtime, options: StartSlackOptions = {}): Promise<SlackBot> {
  const { config, logger } = runtime;
  const missing = missingSlackCredentials(config);
  if (missing || !config.SLACK_BOT_TOKEN) {
    throw new FlowdeskError('config_invalid', missing ?? 'SLACK_BOT_TOKEN is missing', {
      userMessage: missing,
    });
  }
  const prefect = runtime.prefect;
  const routes = withDefaults(options.routes ?? [], [
    healthzRoute(),
    readyzRoute({
      store: () => runtime.store.ping(),
      ...(prefect ? { prefect: () => prefect.health() } : {}),
    }),
  ]);
  const slack = createSlackApp({
    config: {
      botToken: config.SLACK_BOT_TOKEN,
      ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
      ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
      apiUrl: config.SLACK_API_URL,
      port: options.port ?? config.PORT,
    },
    engine: runtime.engine,
    store: runtime.store,
    logger,
    admins: config.FLOWDESK_ADMINS,
    customRoutes: routes,
    catalog: runtime.catalog,
    catalogReload: () => runtime.catalog.reload(),
    ...(options.onProvideInput ? { onProvideInput: options.onProvideInput } : {}),
    ...(options.onApiError ? { onApiError: options.onApiError } : {}),
  });
  // The engine and the run follower were built with forwarders; from now on they talk to Slack.
  runtime.setNotifier(slack.notifier);
  runtime.setDirectory(slack.directory);
  try {
    const { port } = await slack.start(options.port ?? config.PORT);
    return { port, slack, stop: () => slack.stop() };
  } catch (error) {
    await slack.stop().catch(() => undefined);
    throw new FlowdeskError('slack_api_error', `Slack app did not start: ${(error as Error).message}`, {
      cause: error,
      userMessage:
        'flowdesk could not start its Slack app. Check SLACK_BOT_TOKEN (auth.test must pass), the signing secret or app token, and that PORT is free.',
    });
  }
}
