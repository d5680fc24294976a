/**
 * The loop around `RunFollower.pollOnce` (the core has no timers): polls every `intervalMs`,
 * doubles the delay after a failure (capped) and returns to the normal pace after a success.
 * Also a convenient place to run other periodic housekeeping (request expiry).
 */
import type { Logger } from '../core/ports';
import type { RunFollower } from '../core/run-follower';

export interface RunPollerOptions {
  follower: Pick<RunFollower, 'pollOnce'>;
  intervalMs: number;
  logger: Logger;
  /** Longest wait after repeated failures (default 16 × interval, at most 5 min). */
  maxBackoffMs?: number;
  batchSize?: number;
  /** Extra periodic work, e.g. `engine.expireDue`. Its failures are logged, never fatal. */
  onTick?: () => Promise<unknown>;
}

export interface RunPoller {
  stop(): Promise<void>;
}

export function startRunPoller(options: RunPollerOptions): RunPoller {
  const maxBackoff = options.maxBackoffMs ?? Math.min(options.intervalMs * 16, 300_000);
  let delay = options.intervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      await options.follower.pollOnce(options.batchSize);
      delay = options.intervalMs;
    } catch (error) {
      delay = Math.min(delay * 2, maxBackoff);
      options.logger.warn({ err: (error as Error).message, retryInMs: delay }, 'polling Prefect failed');
    }
    if (options.onTick) {
      await options.onTick().catch((error: unknown) => {
        options.logger.warn({ err: (error as Error).message }, 'periodic task failed');
      });
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = tick().finally(schedule);
    }, delay);
    timer.unref();
  };

  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
