/**
 * Live Prefect or dry run. `flowdesk chat` asks Prefect's health endpoint first (briefly) and
 * runs dry when it does not answer; `--dry-run` forces it. The bot always talks to Prefect.
 */
import { createPrefectClient, type PrefectClientOptions } from '../adapters/prefect/prefect-client';
import { type Config, prefectUiUrl } from '../config';
import type { Logger, PrefectPort } from '../core/ports';

export interface PrefectChoice {
  prefect: PrefectPort | null;
  description: string;
}

/** Timeout and retry policy of the Prefect client (tests shorten them; defaults suit production). */
export type PrefectTuning = Pick<PrefectClientOptions, 'timeoutMs' | 'retry'>;

export function createPrefect(config: Config, logger: Logger, tuning: PrefectTuning = {}): PrefectPort {
  return createPrefectClient({
    ...tuning,
    apiUrl: config.PREFECT_API_URL,
    uiUrl: prefectUiUrl(config),
    ...(config.PREFECT_API_KEY ? { apiKey: config.PREFECT_API_KEY } : {}),
    ...(config.PREFECT_API_AUTH_STRING ? { authString: config.PREFECT_API_AUTH_STRING } : {}),
    logger,
  });
}

export async function choosePrefect(
  config: Config,
  logger: Logger,
  options: { dryRun: boolean; probe: boolean; probeTimeoutMs?: number; tuning?: PrefectTuning },
): Promise<PrefectChoice> {
  if (options.dryRun) return { prefect: null, description: 'dry run (--dry-run): nothing will be started' };
  const prefect = createPrefect(config, logger, options.tuning);
  if (!options.probe) return { prefect, description: `live Prefect at ${config.PREFECT_API_URL}` };
  const healthy = await withTimeout(prefect.health(), options.probeTimeoutMs ?? 2000);
  if (!healthy) {
    return {
      prefect: null,
      description: `dry run: Prefect not reachable at ${config.PREFECT_API_URL} — nothing will be started`,
    };
  }
  return { prefect, description: `live Prefect at ${config.PREFECT_API_URL} — Run starts real flow runs` };
}

async function withTimeout(check: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
