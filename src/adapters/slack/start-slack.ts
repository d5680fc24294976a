/**
 * `flowdesk start`: the Slack bot on top of the runtime. Refuses to start without the Slack
 * credentials (and says exactly which and where to find them), plugs the Slack notifier and
 * directory into the runtime, and serves the Slack endpoint and the HTTP routes on PORT.
 */
import type { CustomRoute } from '@slack/bolt';
import type { Runtime } from '../../app/build-runtime';
import type { Config } from '../../config';
import { FlowdeskError } from '../../core/errors';
import { healthzRoute, readyzRoute } from '../http/health-routes';
import { createSlackApp, type SlackApp } from './create-slack-app';
import { withDefaults } from './default-routes';
import { createInFlightWork } from './in-flight-work';
import type { ProvideInputArgs } from './listeners';
import { createRunInputSlack } from './run-input/run-input-slack';
import type { SlackErrorInfo } from './slack-errors';
import type { FileUploadSettings } from './slack-outbound';

export interface StartSlackOptions {
  /** `/webhooks/prefect`, `/metrics`, `/readyz`… built by their owners; defaults fill the gaps. */
  routes?: CustomRoute[];
  /** Opens the input form of a paused run; default: the modal of `runtime.runInput`. */
  onProvideInput?: (args: ProvideInputArgs) => Promise<void>;
  /** Counts Slack API errors (metrics). */
  onApiError?: (method: string, info: SlackErrorInfo) => void;
  /** Overrides PORT (tests: 0). */
  port?: number;
  /** Result file uploads (tests allow plain-http localhost files). */
  fileUploads?: FileUploadSettings;
}

export interface SlackBot {
  /** The bound port (HTTP mode) or PORT (Socket Mode, for the HTTP routes). */
  port: number;
  slack: SlackApp;
  /** Closes the port / socket: no new Slack events or HTTP requests (see SlackApp.stopAccepting). */
  stopAccepting(graceMs?: number): Promise<void>;
  /** Waits for listener work already started; false when `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Sends the notifier's pending (coalesced) card updates now. */
  flush(): Promise<void>;
  /** All three, in that order (drain bounded to 10 s). */
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
  const routes = withDefaults(options.routes ?? [], [
    healthzRoute(),
    readyzRoute({ store: runtime.store, prefect: runtime.prefect }),
  ]);
  const runInput = options.onProvideInput
    ? undefined
    : createRunInputSlack({
        service: runtime.runInput,
        logger,
        isAdmin: (userId) => config.FLOWDESK_ADMINS.includes(userId),
        ...(options.onApiError ? { onApiError: options.onApiError } : {}),
      });
  const onProvideInput = options.onProvideInput ?? runInput?.openForm;
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
    ...(onProvideInput ? { onProvideInput } : {}),
    ...(options.onApiError ? { onApiError: options.onApiError } : {}),
    ...(options.fileUploads ? { fileUploads: options.fileUploads } : {}),
  });
  // The engine and the run follower were built with forwarders; from now on they talk to Slack.
  runtime.setNotifier(slack.notifier);
  runtime.setDirectory(slack.directory);
  runInput?.register(slack.app, { directory: slack.directory, refs: slack.refs });
  const inFlight = createInFlightWork();
  slack.app.use(inFlight.middleware);
  try {
    const { port } = await slack.start(options.port ?? config.PORT);
    return {
      port,
      slack,
      stopAccepting: (graceMs) => slack.stopAccepting(graceMs),
      drain: (timeoutMs) => inFlight.drain(timeoutMs),
      flush: () => slack.delivery.close(),
      stop: async () => {
        await slack.stopAccepting();
        await inFlight.drain(10_000);
        await slack.stop();
      },
    };
  } catch (error) {
    await slack.stop().catch(() => undefined);
    throw new FlowdeskError('slack_api_error', `Slack app did not start: ${(error as Error).message}`, {
      cause: error,
      userMessage:
        'flowdesk could not start its Slack app. Check SLACK_BOT_TOKEN (auth.test must pass), the signing secret or app token, and that PORT is free.',
    });
  }
}
