/**
 * Webhook path (SPEC §12): Prefect state events POSTed to `/webhooks/prefect` for runs flowdesk
 * follows, through the durable Redis queue and the run follower to `chat.update` of each request's
 * status message at the fake Slack. Two passes over fresh runs:
 * - throughput: as fast as `concurrency` requests in flight allow (accepted/s over HTTP, applied/s
 *   until the queue lag is back to 0, and event → first chat.update showing that state or a later
 *   one, which under load is set by the notifier's coalescing of ≤ 1 edit per message per second);
 * - steady: a moderate rate where each run gets at most one event a second, so event → chat.update
 *   is the path's own latency.
 */
import { performance } from 'node:perf_hooks';
import type { RunningFlowdesk } from '../app/cli-commands';
import type { ProcessDef } from '../core/types';
import { BENCH_WEBHOOK_SECRET } from './bench-flowdesk';
import type { Edge } from './edge/edge';
import type { WebhookPostReport, WebhookUpdateReport } from './edge/webhook-load';
import { type SeededRun, seedFollowedRuns } from './seed-runs';
import { type LatencySummary, round } from './stats';

export interface WebhookBenchOptions {
  runs: number;
  eventsPerRun: number;
  concurrency: number;
  steadyRuns: number;
  steadyEventsPerRun: number;
  steadyRatePerSecond: number;
  process: ProcessDef;
  prefectUiUrl: string;
}

export interface WebhookPassResult {
  runs: number;
  events: number;
  accepted: number;
  http_statuses: Record<string, number>;
  accepted_per_s: number;
  http: LatencySummary;
  event_to_first_update: LatencySummary;
  events_without_update: number;
  events_whose_own_state_was_shown: number;
  chat_updates: number;
  runs_final_state_shown: number;
  last_update_after_ms: number | null;
}

export interface WebhookBenchResult {
  events_per_s: number;
  accepted_per_s: number;
  applied_per_s: number;
  p99_event_to_update_ms: number | null;
  p99_event_to_update_under_load_ms: number | null;
  target_events_per_s: number;
  meets_target: boolean;
  throughput: WebhookPassResult & { concurrency: number; drain_ms: number; outcomes: Record<string, number> };
  steady: WebhookPassResult & { rate_per_s: number };
  notes: string[];
}

export const TARGET_EVENTS_PER_S = 500;
const CHANNEL = 'C0BENCHWH1';
const DRAIN_TIMEOUT_MS = 60_000;

export async function runWebhookBench(
  edge: Edge,
  flowdesk: RunningFlowdesk,
  options: WebhookBenchOptions,
): Promise<WebhookBenchResult> {
  const url = `http://127.0.0.1:${flowdesk.port}/webhooks/prefect`;
  const before = await appliedOutcomes(flowdesk);

  const burstRuns = await seed(flowdesk, options, options.runs, 1_770_000_000);
  const started = performance.now();
  const posted = await edge.postWebhookEvents({
    url,
    secret: BENCH_WEBHOOK_SECRET,
    runs: webhookRuns(burstRuns),
    eventsPerRun: options.eventsPerRun,
    concurrency: options.concurrency,
    firstStateAt: new Date().toISOString(),
    stepMs: 1000,
  });
  const drainedAt = await waitForEmptyQueue(flowdesk);
  const drainMs = drainedAt - started;
  const burstUpdates = await edge.collectWebhookUpdates(15_000);
  const outcomes = difference(await appliedOutcomes(flowdesk), before);

  const steadyRuns = await seed(flowdesk, options, options.steadyRuns, 1_780_000_000);
  const steadyPosted = await edge.postWebhookEvents({
    url,
    secret: BENCH_WEBHOOK_SECRET,
    runs: webhookRuns(steadyRuns),
    eventsPerRun: options.steadyEventsPerRun,
    ratePerSecond: options.steadyRatePerSecond,
    firstStateAt: new Date().toISOString(),
    stepMs: 1000,
  });
  await waitForEmptyQueue(flowdesk);
  const steadyUpdates = await edge.collectWebhookUpdates(15_000);

  const appliedPerS = round((posted.accepted * 1000) / drainMs, 1);
  const throughput = pass(posted, burstUpdates, options.runs);
  const steady = pass(steadyPosted, steadyUpdates, options.steadyRuns);
  return {
    events_per_s: Math.min(posted.accepted_per_s, appliedPerS),
    accepted_per_s: posted.accepted_per_s,
    applied_per_s: appliedPerS,
    p99_event_to_update_ms: steady.event_to_first_update.p99_ms,
    p99_event_to_update_under_load_ms: throughput.event_to_first_update.p99_ms,
    target_events_per_s: TARGET_EVENTS_PER_S,
    meets_target: Math.min(posted.accepted_per_s, appliedPerS) >= TARGET_EVENTS_PER_S,
    throughput: { ...throughput, concurrency: options.concurrency, drain_ms: round(drainMs), outcomes },
    steady: { ...steady, rate_per_s: options.steadyRatePerSecond },
    notes: [
      'events_per_s is the lower of accepted_per_s (HTTP 202s over the time to send them all) and applied_per_s (events over the time until the queue lag is 0 again, i.e. every event applied to its request).',
      `throughput pass: ${options.runs} runs × ${options.eventsPerRun} state events (PENDING, RUNNING…, COMPLETED) with ${options.concurrency} requests in flight; steady pass: ${options.steadyRuns} fresh runs × ${options.steadyEventsPerRun} events at ${options.steadyRatePerSecond}/s.`,
      'event_to_first_update: from POSTing an event to the fake Slack receiving the first chat.update of that run’s status message showing that state or a later one (each event’s state message carries its step, which the card shows).',
      'The Slack notifier coalesces edits: at most one chat.update per message per second, sending the newest state. Under the throughput pass a run receives several events a second, so the p99 there mostly measures that 1 s window, and many intermediate states are never shown (events_whose_own_state_was_shown). p99_event_to_update_ms is the steady pass, where no coalescing applies.',
      'Prefect and Slack are bench fakes answering at once in a separate process; Redis is real. The run poller runs as in flowdesk start, and the fake Prefect reports older states, so polling never overrides the events.',
    ],
  };
}

async function seed(
  flowdesk: RunningFlowdesk,
  options: WebhookBenchOptions,
  count: number,
  tsSeconds: number,
) {
  return seedFollowedRuns(flowdesk.runtime.store, {
    count,
    process: options.process,
    channel: CHANNEL,
    tsSeconds,
    state: { type: 'SCHEDULED', name: 'Scheduled', timestamp: new Date(Date.now() - 60_000).toISOString() },
    prefectUiUrl: options.prefectUiUrl,
  });
}

function webhookRuns(runs: SeededRun[]) {
  return runs.map((run) => ({
    flowRunId: run.flowRunId,
    flowRunName: run.flowRunName,
    channel: run.channel,
    statusTs: run.statusTs,
  }));
}

function pass(posted: WebhookPostReport, updates: WebhookUpdateReport, runs: number): WebhookPassResult {
  return {
    runs,
    events: posted.events,
    accepted: posted.accepted,
    http_statuses: posted.statuses,
    accepted_per_s: posted.accepted_per_s,
    http: posted.http,
    event_to_first_update: updates.to_first_update,
    events_without_update: updates.unmatched,
    events_whose_own_state_was_shown: updates.own_state_shown,
    chat_updates: updates.chat_updates,
    runs_final_state_shown: updates.runs_final_shown,
    last_update_after_ms: updates.last_update_after_ms,
  };
}

/** performance.now() when the webhook queue's lag (pending + undelivered entries) is 0. */
async function waitForEmptyQueue(flowdesk: RunningFlowdesk): Promise<number> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const lag = (await flowdesk.metrics.queueLag.get()).values[0]?.value;
    if (lag === 0) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the webhook queue did not drain within ${DRAIN_TIMEOUT_MS / 1000} s`);
}

async function appliedOutcomes(flowdesk: RunningFlowdesk): Promise<Record<string, number>> {
  const metric = await flowdesk.metrics.webhookEventsApplied.get();
  const counts: Record<string, number> = {};
  for (const value of metric.values) counts[String(value.labels.outcome)] = value.value;
  return counts;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]));
}
