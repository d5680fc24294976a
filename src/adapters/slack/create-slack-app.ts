/**
 * The Bolt app: HTTP mode (`POST /slack/events` for events, interactivity and commands, signed
 * with the signing secret) or Socket Mode when an app token is given. Health, metrics and webhook
 * routes share the port. Also builds the Slack side of the notifier, which uses a client of its
 * own so a rate limit on status edits never holds back replies to people.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, defaultBodyLimit, type webApi } from '@slack/bolt';
import type { Engine } from '../../core/engine-api';
import type { CatalogSource, Directory, Logger, Notifier, Store } from '../../core/ports';
import { healthzRoute } from '../http/health-routes';
import { createBoltLogger } from './bolt-logger';
import { withDefaults } from './default-routes';
import { type ProvideInputArgs, register } from './listeners';
import type { MessageRefs } from './message-refs';
import { createPendingApprovals, type PendingApprovals } from './pending-approvals';
import type { SlackDelivery } from './slack-delivery';
import { createSlackDirectory } from './slack-directory';
import type { SlackErrorInfo } from './slack-errors';
import { createOutbound, type FileUploadSettings, type Outbound } from './slack-outbound';
import { closeAfterOversizedBodies, createReceiver } from './slack-receiver';
import type { ReloadResult } from './slash-command';
import type { WorkingIndicatorMode } from './working-indicator';

export interface SlackAppConfig {
  botToken: string;
  /** HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** Web API base, e.g. https://slack.com/api/ (GovSlack, tests). */
  apiUrl?: string;
  port: number;
  /** When both are given, auth.test is not called at start. */
  botId?: string;
  botUserId?: string;
}

export interface CreateSlackAppDeps {
  config: SlackAppConfig;
  engine: Engine;
  store: Store;
  logger: Logger;
  admins: readonly string[];
  directory?: Directory;
  customRoutes?: CustomRoute[];
  catalog?: CatalogSource;
  catalogReload?: () => Promise<ReloadResult>;
  pendingApprovals?: PendingApprovals;
  onProvideInput?: (args: ProvideInputArgs) => Promise<void>;
  /** Merged over our defaults for every client Bolt creates. */
  clientOptions?: webApi.WebClientOptions;
  /** Options of the notifier's own client (tests shorten retries). */
  notifierClientOptions?: webApi.WebClientOptions;
  notifierMinIntervalMs?: number;
  workingIndicator?: WorkingIndicatorMode;
  /** Show the working indicator only when a decision takes longer than this (default 300 ms). */
  workingIndicatorDelayMs?: number;
  slashCommand?: string;
  viewSubmitBudgetMs?: number;
  unhandledRequestTimeoutMillis?: number;
  bodyLimit?: number;
  now?: () => Date;
  instanceId?: string;
  onApiError?: (method: string, info: SlackErrorInfo) => void;
  /** Result file uploads (tests allow plain-http localhost files). */
  fileUploads?: FileUploadSettings;
}

export interface SlackApp {
  app: App;
  client: webApi.WebClient;
  notifier: Notifier;
  directory: Directory;
  refs: MessageRefs;
  delivery: SlackDelivery;
  /** Starts listening (HTTP mode: on `port`, 0 for any) and returns the bound port. */
  start(port?: number): Promise<{ port: number }>;
  /**
   * Stops taking requests: HTTP mode closes the port (requests being answered finish, idle
   * keep-alive connections close; connections still open after `graceMs` are cut), Socket Mode
   * disconnects. Listener work already started goes on.
   */
  stopAccepting(graceMs?: number): Promise<void>;
  /** stopAccepting, then sends the notifier's pending updates. */
  stop(): Promise<void>;
}

/**
 * The working indicator is for decisions people wait for (a model call takes seconds). One that is
 * ready sooner (the local router: a few ms) is answered without it: no reaction flickering on and
 * off, two Slack calls fewer per message (reactions.* are rate-limited), a faster answer.
 */
export const WORKING_INDICATOR_DELAY_MS = 300;

const DEFAULT_CLIENT_RETRY = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 };

export function createSlackApp(deps: CreateSlackAppDeps): SlackApp {
  const { config, logger } = deps;
  const boltLogger = createBoltLogger(logger.child({ component: 'slack' }));
  const now = deps.now ?? (() => new Date());
  const apiUrl = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  const receiver = createReceiver({
    ...(config.signingSecret ? { signingSecret: config.signingSecret } : {}),
    ...(config.appToken ? { appToken: config.appToken } : {}),
    port: config.port,
    customRoutes: withDefaults(deps.customRoutes ?? [], [healthzRoute()]),
    logger: boltLogger,
    // Socket Mode keeps its own (long) retry policy for reconnecting unless told otherwise.
    socketClientOptions: { ...apiUrl, logger: boltLogger, ...deps.clientOptions },
    ...(deps.unhandledRequestTimeoutMillis === undefined
      ? {}
      : { unhandledRequestTimeoutMillis: deps.unhandledRequestTimeoutMillis }),
    ...(deps.bodyLimit === undefined ? {} : { bodyLimit: deps.bodyLimit }),
  });
  const knownIds = Boolean(config.botId && config.botUserId);
  const app = new App({
    token: config.botToken,
    receiver,
    logger: boltLogger,
    clientOptions: { retryConfig: DEFAULT_CLIENT_RETRY, timeout: 15_000, ...apiUrl, ...deps.clientOptions },
    ...(knownIds ? { botId: config.botId, botUserId: config.botUserId } : {}),
    // auth.test (for the bot's ids) runs once in start(), not in the constructor.
    deferInitialization: true,
    tokenVerificationEnabled: !knownIds,
    convoStore: false,
  });
  app.error(async (error) => {
    logger.error(
      { err: error, code: (error as { code?: string }).code },
      'unhandled error in a Slack listener',
    );
  });

  const directory = deps.directory ?? createSlackDirectory({ client: app.client, logger });
  const outbound = createOutbound({
    botToken: config.botToken,
    ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
    // The retries configured for Bolt's client apply to replies too (tests turn them off).
    ...(deps.clientOptions?.retryConfig?.retries === undefined
      ? {}
      : { replyRetry: { retries: deps.clientOptions.retryConfig.retries } }),
    store: deps.store,
    directory,
    logger,
    boltLogger,
    now,
    instanceId: deps.instanceId ?? `${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
    ...(deps.notifierClientOptions ? { notifierClientOptions: deps.notifierClientOptions } : {}),
    ...(deps.notifierMinIntervalMs === undefined
      ? {}
      : { notifierMinIntervalMs: deps.notifierMinIntervalMs }),
    ...(deps.onApiError ? { onApiError: deps.onApiError } : {}),
    ...(deps.fileUploads ? { fileUploads: deps.fileUploads } : {}),
  });
  register(app, listenerDeps(deps, directory, outbound, now));
  return lifecycle(app, deps, directory, outbound);
}

function listenerDeps(deps: CreateSlackAppDeps, directory: Directory, outbound: Outbound, now: () => Date) {
  const admins = new Set(deps.admins);
  const pendingApprovals =
    deps.pendingApprovals ??
    (deps.catalog
      ? createPendingApprovals({ store: deps.store, directory, catalog: deps.catalog, now })
      : undefined);
  return {
    engine: deps.engine,
    store: deps.store,
    directory,
    logger: deps.logger,
    replies: outbound.replies,
    refs: outbound.refs,
    isAdmin: (userId: string) => admins.has(userId),
    now,
    slashCommand: deps.slashCommand ?? '/flowdesk',
    workingIndicator: deps.workingIndicator ?? 'reaction',
    workingIndicatorDelayMs: deps.workingIndicatorDelayMs ?? WORKING_INDICATOR_DELAY_MS,
    eventDedupeTtlSeconds: 3600,
    viewSubmitBudgetMs: deps.viewSubmitBudgetMs ?? 2500,
    ...(deps.catalog ? { catalog: deps.catalog } : {}),
    ...(deps.catalogReload ? { catalogReload: deps.catalogReload } : {}),
    ...(pendingApprovals ? { pendingApprovals } : {}),
    ...(deps.onProvideInput ? { onProvideInput: deps.onProvideInput } : {}),
    ...(deps.onApiError ? { onApiError: deps.onApiError } : {}),
  };
}

function lifecycle(app: App, deps: CreateSlackAppDeps, directory: Directory, outbound: Outbound): SlackApp {
  const { config, logger } = deps;
  let started = false;
  let server: Server | undefined;
  const stopAccepting = async (graceMs = 5000) => {
    if (!started) return;
    started = false;
    const cut = setTimeout(() => server?.closeAllConnections(), graceMs);
    cut.unref();
    try {
      await app.stop();
    } finally {
      clearTimeout(cut);
      server = undefined;
    }
  };
  return {
    app,
    client: app.client,
    notifier: outbound.notifier,
    directory,
    refs: outbound.refs,
    delivery: outbound.delivery,
    async start(port = config.port) {
      await app.init();
      if (config.appToken) {
        try {
          await app.start();
        } catch (error) {
          // Bolt's side server (health and metrics routes) is already listening when the
          // connection is refused (bad app token): release the port, or it outlives the failure.
          await app.stop().catch(() => undefined);
          throw error;
        }
        started = true;
        logger.info({ mode: 'socket', httpPort: config.port }, 'Slack app connected (Socket Mode)');
        return { port: config.port };
      }
      const listening = (await app.start(port)) as Server;
      server = listening;
      started = true;
      closeAfterOversizedBodies(listening, deps.bodyLimit ?? defaultBodyLimit);
      const bound = (listening.address() as AddressInfo).port;
      logger.info({ mode: 'http', port: bound }, 'Slack app listening on /slack/events');
      return { port: bound };
    },
    stopAccepting,
    async stop() {
      // Nothing new comes in first; then what is pending goes out.
      await stopAccepting();
      await outbound.close();
    },
  };
}
