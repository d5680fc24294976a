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
import type {
  Clock,
  Directory,
  Logger,
  Notifier,
  PrefectPort,
  Router,
  Shortlister,
  Store,
} from '../core/ports';
import type { ProgressRefresher } from '../core/results/progress-refresher';
import { createRunFollower, type RunFollower } from '../core/run-follower';
import { createRunInputService, type RunInputService } from '../core/run-input/run-input-service';
import { choosePrefect, type PrefectTuning } from './choose-prefect';
import { chooseRouter, type LlmTuning, type RouterMode } from './choose-router';
import { chooseStore } from './choose-store';
import { createLogAuditSink } from './log-audit-sink';
import { createReloadableCatalog, type ReloadableCatalog } from './reloadable-catalog';
import { createRequestIds } from './request-ids';
import { createRunEventSink } from './run-event-sink';
import { createRuntimeProgress } from './runtime-progress';
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
  /** Client timeouts and retries; the defaults suit production, fault tests shorten them. */
  tuning?: { prefect?: PrefectTuning; llm?: LlmTuning };
  /** "Now" for the engine, the store and the run follower (tests pin it); default the system clock. */
  clock?: Clock;
  /** Least time between two progress reads (and card redraws) of one run; default 3000 ms. */
  progressIntervalMs?: number;
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
  /** Answers runs paused for input (Slack modal, terminal `/input`). */
  runInput: RunInputService;
  /** For the Prefect webhook worker. */
  runEventSink: RunEventSink;
  /** Redraws status cards from progress artifacts; tick it periodically (null in dry run). */
  progress: ProgressRefresher | null;
  /** One line per dependency, for banners and start-up logs. */
  modes: { prefect: string; router: string; store: string; routerKind: 'local' | 'llm' };
  setNotifier(notifier: Notifier): void;
  setDirectory(directory: Directory): void;
  close(): Promise<void>;
}

export async function buildRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { logger, metrics } = options;
  const clock = options.clock ?? systemClock;
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
    clock,
    allowMemory: chat,
    ...(metrics ? { onError: metrics.countRedisError } : {}),
  });
  const prefectChoice = await choosePrefect(config, logger, {
    dryRun: options.dryRun === true,
    probe: chat,
    ...(options.tuning?.prefect ? { tuning: options.tuning.prefect } : {}),
  });
  const routerMode = options.router ?? config.FLOWDESK_ROUTER;
  const routerChoice = chooseRouter(
    config,
    catalog,
    logger,
    routerMode,
    metrics?.countLlmUsage,
    options.tuning?.llm,
  );
  catalog.onReloaded(routerChoice.prepare);
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
    clock,
    ids: createRequestIds(),
    logger: logger.child({ component: 'engine' }),
    admins: config.FLOWDESK_ADMINS,
    ...(metrics ? { metrics } : {}),
    ...(routerChoice.resultAnswerer ? { resultAnswerer: routerChoice.resultAnswerer } : {}),
  });
  const follower = createRunFollower({
    store: storeChoice.backgroundStore,
    prefect: prefectChoice.prefect,
    notifier,
    catalog,
    clock,
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
    runInput: createRunInputService({
      store: storeChoice.store,
      prefect: prefectChoice.prefect,
      catalog,
      clock,
      audit,
      logger: logger.child({ component: 'run-input' }),
      admins: config.FLOWDESK_ADMINS,
      directory,
      follower,
    }),
    runEventSink: createRunEventSink(follower),
    progress: prefectChoice.prefect
      ? createRuntimeProgress({
          store: storeChoice.store,
          prefect: prefectChoice.prefect,
          catalog,
          clock,
          logger: logger.child({ component: 'progress' }),
          notifier,
          ...(options.progressIntervalMs === undefined ? {} : { minIntervalMs: options.progressIntervalMs }),
        })
      : null,
    modes: {
      prefect: prefectChoice.description,
      router: routerChoice.description,
      store: storeChoice.description,
      routerKind: routerChoice.kind,
    },
    setNotifier: (next) => notifier.setTarget(next),
    setDirectory: (next) => directory.setTarget(next),
    close: async () => {
      const stores = new Set([storeChoice.store, storeChoice.backgroundStore]);
      await Promise.all([...stores].map((store) => store.close()));
    },
  };
}
