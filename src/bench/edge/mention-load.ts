/**
 * Signed `app_mention` events sent at a steady rate to several Bolt apps, interleaved (a, b, a, b…)
 * so that each app sees the same rate and the same machine load. For each event: the time from
 * sending the HTTP request to the fake Slack receiving the first `chat.postMessage` in that
 * event's thread. Open loop: sends follow the schedule whatever the answers.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BenchSlackApi, SlackApiCall } from '../fakes/bench-slack-api';

export interface MentionTarget {
  name: string;
  /** http://127.0.0.1:PORT/slack/events */
  url: string;
  signingSecret: string;
  /** A reply counts as a card when its blocks contain this string (e.g. the Run button's action id). */
  cardMarker?: string;
}

export interface MentionPlan {
  targets: MentionTarget[];
  /** Events per second sent to EACH target. */
  ratePerTarget: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Message texts, used in turn (the bot mention is prepended). */
  texts: string[];
  users: string[];
  channel: string;
  botUserId: string;
  /** How long to wait for the last replies. */
  replyTimeoutMs: number;
}

export interface MentionTargetReport {
  name: string;
  sent: number;
  measured: number;
  /** Measured events that got their reply. */
  answered: number;
  /** Measured replies that were cards (when the target has a card marker). */
  cards: number | null;
  httpErrors: number;
  /** ms from sending the event to the reply arriving at Slack, measured events only. */
  latenciesMs: number[];
  /** Time to the HTTP answer (Bolt acks before its listener runs), measured events only. */
  ackMs: number[];
}

interface Pending {
  target: MentionTargetReport;
  cardMarker?: string;
  sentAt: number;
  measured: boolean;
}

let sequence = 0;

export async function runMentionLoad(
  slack: BenchSlackApi,
  plan: MentionPlan,
): Promise<MentionTargetReport[]> {
  const reports = plan.targets.map(emptyReport);
  const pending = new Map<string, Pending>();
  const stopObserving = slack.observe((call) => onSlackCall(call, pending));
  const intervalMs = 1000 / (plan.ratePerTarget * plan.targets.length);
  const warmupTicks = Math.round((plan.warmupSeconds * 1000) / intervalMs);
  const totalTicks = warmupTicks + Math.round((plan.measureSeconds * 1000) / intervalMs);
  const inFlight: Array<Promise<void>> = [];
  const started = performance.now();
  try {
    for (let tick = 0; tick < totalTicks; tick += 1) {
      const index = tick % plan.targets.length;
      const target = plan.targets[index] as MentionTarget;
      const report = reports[index] as MentionTargetReport;
      const request = signedMention(plan, target, tick);
      await sleepUntil(started + tick * intervalMs);
      inFlight.push(send(request, report, pending, tick >= warmupTicks, target.cardMarker));
    }
    await Promise.all(inFlight);
    await waitUntil(() => pending.size === 0, plan.replyTimeoutMs);
  } finally {
    stopObserving();
  }
  return reports;
}

function emptyReport(target: MentionTarget): MentionTargetReport {
  return {
    name: target.name,
    sent: 0,
    measured: 0,
    answered: 0,
    cards: target.cardMarker ? 0 : null,
    httpErrors: 0,
    latenciesMs: [],
    ackMs: [],
  };
}

function onSlackCall(call: SlackApiCall, pending: Map<string, Pending>): void {
  if (call.method !== 'chat.postMessage' || !call.threadTs) return;
  const entry = pending.get(call.threadTs);
  if (!entry) return;
  pending.delete(call.threadTs);
  if (!entry.measured) return;
  entry.target.answered += 1;
  entry.target.latenciesMs.push(call.at - entry.sentAt);
  if (entry.cardMarker && call.blocks?.includes(entry.cardMarker))
    entry.target.cards = (entry.target.cards ?? 0) + 1;
}

interface SignedRequest {
  url: string;
  threadTs: string;
  body: string;
  headers: Record<string, string>;
}

/** Built before its send time, so signing is not part of the measured latency. */
function signedMention(plan: MentionPlan, target: MentionTarget, tick: number): SignedRequest {
  sequence += 1;
  const seconds = Math.floor(Date.now() / 1000);
  const ts = `${seconds}.${String(sequence).padStart(6, '0')}`;
  const user = plan.users[tick % plan.users.length] as string;
  const text = `<@${plan.botUserId}> ${plan.texts[Math.floor(tick / plan.targets.length) % plan.texts.length]}`;
  const eventId = `EvBENCH${seconds.toString(36).toUpperCase()}${sequence}`;
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'TBENCH0001',
    api_app_id: 'ABENCH0001',
    event: {
      type: 'app_mention',
      client_msg_id: `bench-${sequence}`,
      user,
      text,
      ts,
      team: 'TBENCH0001',
      channel: plan.channel,
      event_ts: ts,
    },
    type: 'event_callback',
    event_id: eventId,
    event_time: seconds,
    authorizations: [
      {
        enterprise_id: null,
        team_id: 'TBENCH0001',
        user_id: plan.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${eventId}`,
  });
  const signature = createHmac('sha256', target.signingSecret).update(`v0:${seconds}:${body}`).digest('hex');
  return {
    url: target.url,
    threadTs: ts,
    body,
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(seconds),
      'x-slack-signature': `v0=${signature}`,
    },
  };
}

async function send(
  request: SignedRequest,
  report: MentionTargetReport,
  pending: Map<string, Pending>,
  measured: boolean,
  cardMarker: string | undefined,
): Promise<void> {
  report.sent += 1;
  if (measured) report.measured += 1;
  const sentAt = performance.now();
  pending.set(request.threadTs, { target: report, sentAt, measured, ...(cardMarker ? { cardMarker } : {}) });
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    await response.arrayBuffer();
    if (measured) report.ackMs.push(performance.now() - sentAt);
    if (response.status !== 200) report.httpErrors += 1;
  } catch {
    report.httpErrors += 1;
  }
}

export function sleepUntil(at: number): Promise<void> {
  const wait = at - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

export async function waitUntil(done: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return true;
}
