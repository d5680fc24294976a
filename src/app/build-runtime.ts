/**
 * Wires flowdesk from a validated config: catalog, store, Prefect (or dry run), router, engine and
 * run follower. Shared by `flowdesk start` (Slack) and `flowdesk chat` (terminal); the chat
 * adapter then plugs in its Notifier and Directory with `setNotifier` / `setDirectory`.
 */
import type Redis from 'ioredis';
import type { FlowdeskMetrics } from '../adapters/http/metrics';
import { loadCatalogFromPath, loadCatalogResult } from '../adapters/process-map-files';
import type { RunEventSink } from '../adapters/webhooks/run-event-sink';
import type { Config } from '../config';
import { createEngine, type FlowdeskEngine } from '../core/engine/create-engine';
import type { Directory, Logger, Notifier, PrefectPort, Router, Shortlister, Store } from '../core/ports';
import { createRunFollower, type RunFollower } from '../core/run-follower';
import { choosePrefect } from './choose-prefect';
import { chooseRouter, type RouterMode } from './choose-router';
import { chooseStore } from './choose-store';
import { createLogAuditSink } from './log-audit-sink';
import { createReloadableCatalog, type ReloadableCatalog } from './reloadable-catalog';
import { createRequestIds } from './request-ids';
import { createRunEventSink } from './run-event-sink';
import { createSwitchableDirectory, createSwitchableNotifier } from './switchable-ports';
import { systemClock } from './system-clock';

export interface RuntimeOptions {
  /** `chat` probes Prefect and Redis and degrades (dry run, memory store); `start` does not. */
  mode: 'chat' | 'start';
  processMapsPath: string;
  dryRun?: boolean;
  router?: RouterMode;
  logger: Logger;
  /** Prometheus counters (flowdesk start). */
  metrics?: FlowdeskMetrics;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  catalog: ReloadableCatalog;
  store: Store;
  /** The Redis connection behind the store (null for the in-memory store). */
  redis: Redis | null;
  /** null = dry run. */
  prefect: PrefectPort | null;
  router: Router;
  shortlister: Shortlister;
  engine: FlowdeskEngine;
  follower: RunFollower;
  /** For the Prefect webhook worker. */
  runEventSink: RunEventSink;
  /** One line per dependency, for banners and start-up logs. */
  modes: { prefect: string; router: string; store: string; routerKind: 'local' | 'llm' };
  setNotifier(notifier: Notifier): void;
  setDirectory(directory: Directory): void;
  close(): Promise<void>;
}

export async function buildRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { logger, metrics } = options;
  const chat = options.mode === 'chat';
  const catalog = await createReloadableCatalog(options.processMapsPath, {
    loadCatalogFromPath,
    loadCatalogResult,
  });
  const prefix = chat ? `${config.FLOWDESK_REDIS_PREFIX}chat:` : config.FLOWDESK_REDIS_PREFIX;
  const storeChoice = await chooseStore({
    redisUrl: config.REDIS_URL,
    prefix,
    logger,
    clock: systemClock,
    allowMemory: chat,
    ...(metrics ? { onError: metrics.countRedisError } : {}),
  });
  const prefectChoice = await choosePrefect(config, logger, { dryRun: options.dryRun === true, probe: chat });
  const routerMode = options.router ?? config.FLOWDESK_ROUTER;
  const routerChoice = chooseRouter(config, catalog, logger, routerMode, metrics?.countLlmUsage);
  const notifier = createSwitchableNotifier(logger);
  const directory = createSwitchableDirectory();
  const audit = createLogAuditSink(logger);
  const engine = createEngine({
    catalog,
    store: storeChoice.store,
    prefect: prefectChoice.prefect,
    router: routerChoice.router,
    directory,
    notifier,
    audit,
    clock: systemClock,
    ids: createRequestIds(),
    logger: logger.child({ component: 'engine' }),
    admins: config.FLOWDESK_ADMINS,
    ...(metrics ? { metrics } : {}),
  });
  const follower = createRunFollower({
    store: storeChoice.store,
    prefect: prefectChoice.prefect,
    notifier,
    catalog,
    clock: systemClock,
    logger: logger.child({ component: 'run-follower' }),
    audit,
    ...(metrics ? { metrics } : {}),
  });
  return {
    config,
    logger,
    catalog,
    store: storeChoice.store,
    redis: storeChoice.redis,
    prefect: prefectChoice.prefect,
    router: routerChoice.router,
    shortlister: routerChoice.shortlister,
    engine,
    follower,
    runEventSink: createRunEventSink(follower),
    modes: {
      prefect: prefectChoice.description,
      router: routerChoice.description,
      store: storeChoice.description,
      routerKind: routerChoice.kind,
    },
    setNotifier: (next) => notifier.setTarget(next),
    setDirectory: (next) => directory.setTarget(next),
    close: () => storeChoice.store.close(),
  };
}
