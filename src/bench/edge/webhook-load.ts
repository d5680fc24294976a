/**
 * Prefect flow-run state events, shaped like the real ones (../shared/prefect/examples/), POSTed
 * to `/webhooks/prefect` either as fast as `concurrency` allows or at a steady rate. Every event's
 * state message carries its step ("bench step 7"), which the status card shows, so the fake Slack
 * can tell which event a `chat.update` reflects.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BenchSlackApi, SlackApiCall } from '../fakes/bench-slack-api';
import { type LatencySummary, round, summarize } from '../stats';
import { sleepUntil, waitUntil } from './mention-load';

export interface WebhookRun {
  flowRunId: string;
  flowRunName: string;
  /** The request's status message, edited by chat.update. */
  channel: string;
  statusTs: string;
}

export interface WebhookPlan {
  url: string;
  secret: string;
  runs: WebhookRun[];
  /** Steps per run: PENDING, RUNNING…, and COMPLETED last. */
  eventsPerRun: number;
  /** Closed loop: this many requests in flight (default 32). Ignored when ratePerSecond is set. */
  concurrency?: number;
  /** Open loop: events per second, runs taken in turn. */
  ratePerSecond?: number;
  /** State timestamp of step 0 (ISO); step k is `stepMs` × k later. */
  firstStateAt: string;
  stepMs: number;
}

export interface WebhookPostReport {
  events: number;
  accepted: number;
  statuses: Record<string, number>;
  /** First send to last answer. */
  elapsed_ms: number;
  accepted_per_s: number;
  http: LatencySummary;
}

export interface WebhookUpdateReport {
  runs: number;
  /** Runs whose status message ended showing their last step. */
  runs_final_shown: number;
  chat_updates: number;
  /** Event sent → first chat.update showing that step or a later one. */
  to_first_update: LatencySummary;
  /** Events no chat.update ever reflected (within the wait). */
  unmatched: number;
  /** Events whose own step was shown at least once (the others were coalesced into a later edit). */
  own_state_shown: number;
  /** First event sent → last chat.update of the session. */
  last_update_after_ms: number | null;
}

interface SentEvent {
  run: number;
  step: number;
  sentAt: number;
}

export interface WebhookSession {
  post(): Promise<WebhookPostReport>;
  collect(timeoutMs: number): Promise<WebhookUpdateReport>;
}

const STEP_MARKER = /bench step (\d+)/;

export function createWebhookSession(slack: BenchSlackApi, plan: WebhookPlan): WebhookSession {
  const runIndex = new Map(plan.runs.map((run, index) => [`${run.channel}:${run.statusTs}`, index]));
  const updates: Array<Array<{ at: number; step: number }>> = plan.runs.map(() => []);
  let chatUpdates = 0;
  const stopObserving = slack.observe((call: SlackApiCall) => {
    if (call.method !== 'chat.update') return;
    const index = runIndex.get(`${call.channel}:${call.ts}`);
    const step = STEP_MARKER.exec(call.blocks ?? call.text ?? '')?.[1];
    if (index === undefined || step === undefined) return;
    chatUpdates += 1;
    updates[index]?.push({ at: call.at, step: Number(step) });
  });
  const sent: SentEvent[] = [];
  let firstSentAt = 0;

  return {
    async post() {
      const bodies = buildEvents(plan);
      const ackMs: number[] = [];
      const statuses: Record<string, number> = {};
      let accepted = 0;
      const postOne = async (index: number) => {
        const event = bodies[index] as { run: number; step: number; body: string };
        const sentAt = performance.now();
        sent.push({ run: event.run, step: event.step, sentAt });
        try {
          const response = await fetch(plan.url, {
            method: 'POST',
            headers: { authorization: `Bearer ${plan.secret}`, 'content-type': 'application/json' },
            body: event.body,
          });
          const answer = (await response.json()) as { accepted?: boolean };
          ackMs.push(performance.now() - sentAt);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status === 202 && answer.accepted === true) accepted += 1;
        } catch {
          statuses.network_error = (statuses.network_error ?? 0) + 1;
        }
      };
      firstSentAt = performance.now();
      if (plan.ratePerSecond) await postAtRate(bodies.length, plan.ratePerSecond, postOne);
      else await postConcurrently(bodies.length, plan.concurrency ?? 32, postOne);
      const elapsed = performance.now() - firstSentAt;
      return {
        events: bodies.length,
        accepted,
        statuses,
        elapsed_ms: round(elapsed),
        accepted_per_s: round((accepted * 1000) / elapsed, 1),
        http: summarize(ackMs),
      };
    },
    async collect(timeoutMs) {
      const last = plan.eventsPerRun;
      const finalShown = () => updates.filter((list) => list.some((u) => u.step >= last)).length;
      await waitUntil(() => finalShown() === plan.runs.length, timeoutMs, 20);
      stopObserving();
      const latencies: number[] = [];
      let unmatched = 0;
      let ownShown = 0;
      for (const event of sent) {
        const list = updates[event.run] ?? [];
        const first = list.find((u) => u.step >= event.step && u.at >= event.sentAt);
        if (first) latencies.push(first.at - event.sentAt);
        else unmatched += 1;
        if (list.some((u) => u.step === event.step)) ownShown += 1;
      }
      const lastAt = Math.max(...updates.flatMap((list) => list.map((u) => u.at)), Number.NEGATIVE_INFINITY);
      return {
        runs: plan.runs.length,
        runs_final_shown: finalShown(),
        chat_updates: chatUpdates,
        to_first_update: summarize(latencies),
        unmatched,
        own_state_shown: ownShown,
        last_update_after_ms: Number.isFinite(lastAt) ? round(lastAt - firstSentAt) : null,
      };
    },
  };
}

async function postConcurrently(
  count: number,
  concurrency: number,
  postOne: (index: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await postOne(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function postAtRate(count: number, ratePerSecond: number, postOne: (index: number) => Promise<void>) {
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let index = 0; index < count; index += 1) {
    await sleepUntil(started + (index * 1000) / ratePerSecond);
    inFlight.push(postOne(index));
  }
  await Promise.all(inFlight);
}

/** Step by step across runs (every run's step 1, then every run's step 2…), as runs progress in parallel. */
function buildEvents(plan: WebhookPlan): Array<{ run: number; step: number; body: string }> {
  const events: Array<{ run: number; step: number; body: string }> = [];
  const base = Date.parse(plan.firstStateAt);
  for (let step = 1; step <= plan.eventsPerRun; step += 1) {
    plan.runs.forEach((run, index) => {
      const state = stateFor(step, plan.eventsPerRun);
      // Microseconds keep the timestamps of different runs distinct, like Prefect's.
      const timestamp = prefectTimestamp(base + step * plan.stepMs, index % 1000);
      events.push({ run: index, step, body: JSON.stringify(prefectEvent(run, step, state, timestamp)) });
    });
  }
  return events;
}

function stateFor(step: number, last: number): { type: string; name: string } {
  if (step === last) return { type: 'COMPLETED', name: 'Completed' };
  if (step === 1) return { type: 'PENDING', name: 'Pending' };
  return { type: 'RUNNING', name: 'Running' };
}

function prefectTimestamp(ms: number, micros: number): string {
  const iso = new Date(ms).toISOString(); // 2025-06-12T14:17:05.120Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

/** The shape a Prefect automation's call-webhook action sends (`{{ event | tojson }}`). */
function prefectEvent(
  run: WebhookRun,
  step: number,
  state: { type: string; name: string },
  timestamp: string,
) {
  return {
    id: randomUUID(),
    occurred: timestamp.replace('+00:00', 'Z'),
    received: timestamp.replace('+00:00', 'Z'),
    event: `prefect.flow-run.${state.name}`,
    resource: {
      'prefect.resource.id': `prefect.flow-run.${run.flowRunId}`,
      'prefect.resource.name': run.flowRunName,
      'prefect.run-count': '1',
      'prefect.state-message': `bench step ${step}`,
      'prefect.state-name': state.name,
      'prefect.state-timestamp': timestamp,
      'prefect.state-type': state.type,
    },
    related: [
      {
        'prefect.resource.id': 'prefect.flow.9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
        'prefect.resource.role': 'flow',
        'prefect.resource.name': 'reset-vpn',
      },
      {
        'prefect.resource.id': 'prefect.deployment.2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90',
        'prefect.resource.role': 'deployment',
        'prefect.resource.name': 'production',
      },
      { 'prefect.resource.id': 'prefect.tag.flowdesk', 'prefect.resource.role': 'tag' },
    ],
    payload: {
      intended: { from: 'RUNNING', to: state.type },
      initial_state: { type: 'RUNNING', name: 'Running' },
      validated_state: { type: state.type, name: state.name },
    },
    follows: null,
  };
}
