/**
 * Listener work still running. Events are acked before their listeners run (HTTP mode with
 * `processBeforeResponse: false`, and Socket Mode), so closing the port does not wait for them: a
 * Bolt global middleware counts each event until all its listeners are done, and shutdown waits
 * (bounded) for the count to reach zero before Redis closes under them.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

export interface InFlightWork {
  /** Register with `app.use(...)`. */
  middleware: Middleware<AnyMiddlewareArgs>;
  size(): number;
  /** true when nothing is running any more, false when `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean>;
}

export function createInFlightWork(): InFlightWork {
  const running = new Set<Promise<unknown>>();

  const drain = async (timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    // Work finishing may have started more (a listener's follow-up): loop until really idle.
    while (running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.allSettled([...running]), timeout]);
      clearTimeout(timer);
    }
    return true;
  };

  return {
    middleware: async ({ next }) => {
      const work = next();
      running.add(work);
      try {
        await work;
      } finally {
        running.delete(work);
      }
    },
    size: () => running.size,
    drain,
  };
}
