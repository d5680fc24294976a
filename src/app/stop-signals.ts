/**
 * SIGTERM / SIGINT: the first one asks for a graceful stop; a second one while stopping means
 * "now" (an operator pressing Ctrl-C twice, or an orchestrator that lost patience) and forces the
 * exit with the conventional code 128 + signal number.
 */
import { constants } from 'node:os';

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopSignals {
  /** Resolves with the first signal received. */
  stopped: Promise<NodeJS.Signals>;
  /** Removes the handlers (after the stop has completed). */
  dispose(): void;
}

export function listenForStop(
  source: SignalSource,
  force: (code: number, signal: NodeJS.Signals) => void,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): StopSignals {
  let first: NodeJS.Signals | undefined;
  let resolveStopped!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    resolveStopped = resolve;
  });
  const handlers = signals.map((signal) => {
    const handler = () => {
      if (first === undefined) {
        first = signal;
        resolveStopped(signal);
        return;
      }
      force(128 + (constants.signals[signal] ?? 0), signal);
    };
    source.on(signal, handler);
    return { signal, handler };
  });
  return {
    stopped,
    dispose() {
      for (const { signal, handler } of handlers) source.removeListener(signal, handler);
    },
  };
}
