/** The non-chat commands of the CLI, each from parsed options to an exit code. */

import { createMetrics, type FlowdeskMetrics } from '../adapters/http/metrics';
import { loadCatalogFromPath } from '../adapters/process-map-files';
import type { SlackBot } from '../adapters/slack/start-slack';
import { runEval } from '../commands/eval-command';
import { runSetupPrefect } from '../commands/setup-prefect-command';
import { runValidate } from '../commands/validate-command';
import type { Config } from '../config';
import type { Logger } from '../core/ports';
import { buildRuntime, type Runtime } from './build-runtime';
import { createPrefect } from './choose-prefect';
import { chooseRouter, type RouterMode } from './choose-router';
import { startRunPoller } from './run-poller';
import { runShutdown } from './shutdown';
import { createStartRoutes } from './start-routes';
import { startShutdownStages } from './start-shutdown';
import { listenForStop } from './stop-signals';

type Print = (line: string) => void;

export function runValidateCommand(
  config: Config,
  path: string,
  online: boolean,
  logger: Logger,
  print: Print,
) {
  return runValidate({ path, online, ...(online ? { prefect: createPrefect(config, logger) } : {}), print });
}

export async function runEvalCommand(
  config: Config,
  options: { path: string; casesPath: string; router: RouterMode; k: number; json: boolean },
  logger: Logger,
  print: Print,
): Promise<number> {
  const catalog = await loadCatalogFromPath(options.path);
  const choice = chooseRouter(config, { current: () => catalog }, logger, options.router);
  await runEval({
    casesPath: options.casesPath,
    catalog,
    router: choice.router,
    shortlister: choice.shortlister,
    k: options.k,
    json: options.json,
    print,
  });
  return 0;
}

export function runSetupPrefectCommand(
  config: Config,
  webhookUrl: string,
  dryRun: boolean,
  logger: Logger,
  print: Print,
) {
  return runSetupPrefect({
    prefectApiUrl: config.PREFECT_API_URL,
    ...(config.PREFECT_API_KEY ? { apiKey: config.PREFECT_API_KEY } : {}),
    ...(config.PREFECT_API_AUTH_STRING ? { authString: config.PREFECT_API_AUTH_STRING } : {}),
    webhookUrl,
    secret: config.FLOWDESK_WEBHOOK_SECRET ?? '',
    dryRun,
    print,
    logger,
  });
}

export async function runStartCommand(
  config: Config,
  path: string,
  logger: Logger,
  print: Print,
): Promise<number> {
  // Loaded here only: Bolt is heavy and the other commands do not need it.
  const slack = await import('../adapters/slack/start-slack');
  const missing = slack.missingSlackCredentials(config);
  if (missing) {
    print(missing);
    return 1;
  }
  // Listening before anything starts: a signal during start-up still stops cleanly.
  const signals = listenForStop(process, (code, signal) => {
    logger.warn({ signal, code }, 'second signal while stopping: exiting now');
    process.exit(code);
  });
  const flowdesk = await startFlowdesk(config, path, logger);
  const signal = await signals.stopped;
  logger.info({ signal }, 'flowdesk stopping');
  const started = Date.now();
  await flowdesk.stop();
  logger.info({ ms: Date.now() - started }, 'flowdesk stopped');
  return 0;
}

/** What `flowdesk start` runs, started: the runtime, Slack and the HTTP routes, the webhook worker, the poller. */
export interface RunningFlowdesk {
  runtime: Runtime;
  metrics: FlowdeskMetrics;
  bot: SlackBot;
  /** The bound HTTP port (Slack events, webhooks, health, metrics). */
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts everything `flowdesk start` runs and returns it instead of waiting for a signal, so the
 * benchmarks (`npm run bench`) measure exactly the production wiring. `port` overrides PORT (0 = any).
 */
export async function startFlowdesk(
  config: Config,
  path: string,
  logger: Logger,
  options: { port?: number } = {},
): Promise<RunningFlowdesk> {
  const slack = await import('../adapters/slack/start-slack');
  const metrics = createMetrics();
  const runtime = await buildRuntime(config, { mode: 'start', processMapsPath: path, logger, metrics });
  logger.info(
    { ...runtime.modes, processes: runtime.catalog.current().processes.length },
    'flowdesk starting',
  );
  const extra = createStartRoutes(runtime, metrics);
  const bot = await slack.startSlackBot(runtime, {
    routes: extra.routes,
    onApiError: metrics.countSlackApiError,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  // Started after Slack is attached, so no state change is announced to nobody.
  await extra.startWorker();
  const poller = startRunPoller({
    follower: runtime.follower,
    intervalMs: 5000,
    logger,
    batchSize: 200,
    onTick: () => Promise.all([runtime.engine.expireDue(), runtime.progress?.tick()]),
  });
  return {
    runtime,
    metrics,
    bot,
    port: bot.port,
    /** Graceful and bounded: see start-shutdown for the order. */
    async stop() {
      const stages = startShutdownStages({
        bot,
        poller,
        webhooks: extra,
        follower: runtime.follower,
        closeStore: () => runtime.close(),
      });
      await runShutdown(stages, logger);
    },
  };
}
