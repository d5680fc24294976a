/** The non-chat commands of the CLI, each from parsed options to an exit code. */

import { createMetrics } from '../adapters/http/metrics';
import { loadCatalogFromPath } from '../adapters/process-map-files';
import { runEval } from '../commands/eval-command';
import { runSetupPrefect } from '../commands/setup-prefect-command';
import { runValidate } from '../commands/validate-command';
import type { Config } from '../config';
import type { Logger } from '../core/ports';
import { buildRuntime } from './build-runtime';
import { createPrefect } from './choose-prefect';
import { chooseRouter, type RouterMode } from './choose-router';
import { startRunPoller } from './run-poller';
import { createStartRoutes } from './start-routes';

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
  });
  // Started after Slack is attached, so no state change is announced to nobody.
  await extra.startWorker();
  const poller = startRunPoller({
    follower: runtime.follower,
    intervalMs: 5000,
    logger,
    batchSize: 200,
    onTick: () => runtime.engine.expireDue(),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('flowdesk stopping');
  await poller.stop();
  await extra.stop();
  await bot.stop();
  await runtime.close();
  return 0;
}
