/**
 * The Bolt app: HTTP mode (`POST /slack/events` for events, interactivity and commands, signed
 * with the signing secret) or Socket Mode when an app token is given. Health, metrics and webhook
 * routes share the port. Also builds the Slack side of the notifier, which uses a client of its
 * own so a rate limit on status edits never holds back replies to people.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, defaultBodyLimit, type webApi } from '@slack/bolt';
import type { Engine, RunSummary } from '../../core/engine-api';
import type { CatalogSource, Directory, Logger, Notifier, Store } from '../../core/ports';
import type { Requester } from '../../core/types';
import { createBoltLogger } from './bolt-logger';
import { healthzRoute, withDefaults } from './default-routes';
import { type ProvideInputArgs, register } from './listeners';
import type { MessageRefs } from './message-refs';
import { createPendingApprovals } from './pending-approvals';
import type { SlackDelivery } from './slack-delivery';
import { createSlackDirectory } from './slack-directory';
import type { SlackErrorInfo } from './slack-errors';
import { createOutbound, type Outbound } from './slack-outbound';
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
  pendingApprovals?: (actor: Requester) => Promise<RunSummary[]>;
  onProvideInput?: (args: ProvideInputArgs) => Promise<void>;
  /** Merged over our defaults for every client Bolt creates. */
  clientOptions?: webApi.WebClientOptions;
  /** Options of the notifier's own client (tests shorten retries). */
  notifierClientOptions?: webApi.WebClientOptions;
  notifierMinIntervalMs?: number;
  workingIndicator?: WorkingIndicatorMode;
  slashCommand?: string;
  viewSubmitBudgetMs?: number;
  unhandledRequestTimeoutMillis?: number;
  bodyLimit?: number;
  now?: () => Date;
  instanceId?: string;
  onApiError?: (method: string, info: SlackErrorInfo) => void;
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
  stop(): Promise<void>;
}

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
    appClient: app.client,
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
  });
  register(app, listenerDeps(deps, directory, outbound, now));
  return lifecycle(app, deps, directory, outbound);
}

function listenerDeps(deps: CreateSlackAppDeps, directory: Directory, outbound: Outbound, now: () => Date) {
  const admins = new Set(deps.admins);
  const pendingApprovals =
    deps.pendingApprovals ??
    (deps.catalog
      ? createPendingApprovals({ store: deps.store, directory, catalog: deps.catalog })
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
        await app.start();
        started = true;
        logger.info({ mode: 'socket', httpPort: config.port }, 'Slack app connected (Socket Mode)');
        return { port: config.port };
      }
      const server = (await app.start(port)) as Server;
      started = true;
      closeAfterOversizedBodies(server, deps.bodyLimit ?? defaultBodyLimit);
      const bound = (server.address() as AddressInfo).port;
      logger.info({ mode: 'http', port: bound }, 'Slack app listening on /slack/events');
      return { port: bound };
    },
    async stop() {
      await outbound.delivery.close();
      if (started) {
        started = false;
        await app.stop();
      }
    },
  };
}
