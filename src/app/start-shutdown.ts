/**
 * The order `flowdesk start` stops in, so nothing in flight is cut and nothing is lost:
 * 1. stop accepting: close the HTTP port (Slack events, webhooks, probes) or the Socket Mode link;
 * 2. finish what is running, together and bounded: listener work already acked, the poll in
 *    progress (and its housekeeping), the webhook batch being applied (unacked events stay in the
 *    Redis stream for another replica or the next start);
 * 3. send the notifier's pending coalesced card updates;
 * 4. release this replica's poll leases, so another replica follows those runs at once;
 * 5. close Redis, last, since every step before may still write to it.
 * Worst case ≈ 25 s, inside the usual 30 s grace period of an orchestrator.
 */
import type { ShutdownStage } from './shutdown';

export interface StartParts {
  bot: {
    stopAccepting(graceMs?: number): Promise<void>;
    drain(timeoutMs: number): Promise<boolean>;
    flush(): Promise<void>;
  };
  poller: { stop(): Promise<void> };
  webhooks: { stop(): Promise<void> };
  follower: { releaseLeases(): Promise<void> };
  closeStore(): Promise<void>;
}

export interface ShutdownBudget {
  acceptMs: number;
  inFlightMs: number;
  flushMs: number;
  leasesMs: number;
  closeMs: number;
}

export const DEFAULT_SHUTDOWN_BUDGET: ShutdownBudget = {
  acceptMs: 5000,
  inFlightMs: 10_000,
  flushMs: 5000,
  leasesMs: 2000,
  closeMs: 3000,
};

export function startShutdownStages(
  parts: StartParts,
  budget: ShutdownBudget = DEFAULT_SHUTDOWN_BUDGET,
): ShutdownStage[] {
  return [
    {
      name: 'stop accepting',
      timeoutMs: budget.acceptMs,
      // Connections still open near the end of the stage are cut, so the stage itself ends in time.
      tasks: [
        { name: 'HTTP and Slack', run: () => parts.bot.stopAccepting(Math.max(0, budget.acceptMs - 500)) },
      ],
    },
    {
      name: 'finish in-flight work',
      timeoutMs: budget.inFlightMs,
      tasks: [
        { name: 'Slack listeners', run: () => parts.bot.drain(budget.inFlightMs) },
        { name: 'run poller', run: () => parts.poller.stop() },
        { name: 'webhook worker', run: () => parts.webhooks.stop() },
      ],
    },
    {
      name: 'flush',
      timeoutMs: budget.flushMs,
      tasks: [{ name: 'pending Slack updates', run: () => parts.bot.flush() }],
    },
    {
      name: 'release',
      timeoutMs: budget.leasesMs,
      tasks: [{ name: 'poll leases', run: () => parts.follower.releaseLeases() }],
    },
    { name: 'close', timeoutMs: budget.closeMs, tasks: [{ name: 'Redis', run: () => parts.closeStore() }] },
  ];
}
