/**
 * Bot overhead (SPEC §12): signed `app_mention` events at a steady rate, interleaved between
 * flowdesk (as `flowdesk start` runs it) and a bare Bolt app that only replies, both answered by the
 * same instant fake Slack. Per event: sending the event → the reply (flowdesk: the confirmation
 * card) arriving at Slack. Both apps run in this process; the fakes and the sender in the edge.
 */
import { ACTION } from '../adapters/slack/action-ids';
import { WORKING_INDICATOR_DELAY_MS } from '../adapters/slack/create-slack-app';
import type { RunningFlowdesk } from '../app/cli-commands';
import { startBareBoltApp } from './bare-bolt-app';
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET } from './bench-flowdesk';
import type { Edge } from './edge/edge';
import type { MentionTargetReport } from './edge/mention-load';
import { BENCH_BOT } from './fakes/bench-slack-api';
import { type LatencySummary, ratio, summarize } from './stats';

export interface BotOverheadOptions {
  /** Events per second to each app. */
  ratePerApp: number;
  warmupSeconds: number;
  measureSeconds: number;
}

export interface AppOverhead extends LatencySummary {
  sent: number;
  measured: number;
  answered: number;
  /** flowdesk: measured replies that were confirmation cards. */
  cards?: number;
  http_errors: number;
  /** Time to Bolt's HTTP answer (it acks before the listener runs). */
  ack_p50_ms: number | null;
}

export interface BotOverheadResult {
  rate_per_app_per_s: number;
  warmup_s: number;
  measure_s: number;
  flowdesk: AppOverhead;
  bare_bolt: AppOverhead;
  p50_ratio: number | null;
  p99_ratio: number | null;
  mean_ratio: number | null;
  target_p50_ratio: number;
  meets_target: boolean;
  notes: string[];
}

export const TARGET_P50_RATIO = 1.5;

/** Requests the repo's process maps turn into a confirmation card (routed locally, one by alias). */
export const CARD_TEXTS = [
  'my vpn keeps disconnecting every few minutes',
  'refresh the sales dashboard for Q3 2025',
  'please unlock my account',
  'can you reissue my vpn profile? I got a new phone',
  "the marketing dashboard still shows last week's numbers",
  'reset my vpn',
];

const NOTES = [
  'Per event: from sending the signed app_mention over HTTP to the fake Slack receiving the first chat.postMessage in that thread. flowdesk: the confirmation card, after the requester lookup (users.info, cached after the warm-up), local routing, parameter checks and one Redis round trip that saves the request, its expiry and the once-only claim of the message (Slack retries and duplicate deliveries). The turn bookkeeping (conversation, audit line) is written after the card. flowdesk posts with its own light JSON Web API client (with retries); bare_bolt replies with one line through the WebClient of Bolt, as a plain Bolt app does.',
  'Events alternate between the two apps at the same rate, so both see the same machine load; both apps run in the bench process, the fakes and the sender in a separate one. The warm-up is not measured (JIT, users.info and deployment caches).',
  `flowdesk shows its working indicator (a reaction) only when a decision takes longer than ${WORKING_INDICATOR_DELAY_MS} ms; the local router decides in a few ms, so no reactions.* calls are on this path.`,
  'The machine may be shared: machine.loadavg_at_start tells how busy it was. The ratios are steadier than the absolute times.',
];

const CHANNEL = 'C0BENCH001';
const USERS = ['U0BENCH001', 'U0BENCH002', 'U0BENCH003', 'U0BENCH004', 'U0BENCH005'];

export async function runBotOverheadBench(
  edge: Edge,
  flowdesk: RunningFlowdesk,
  options: BotOverheadOptions,
): Promise<BotOverheadResult> {
  const bare = await startBareBoltApp({
    botToken: BENCH_BOT_TOKEN,
    signingSecret: BENCH_SIGNING_SECRET,
    apiUrl: edge.slackApiUrl,
  });
  try {
    const [flowdeskReport, bareReport] = await edge.runMentions({
      targets: [
        {
          name: 'flowdesk',
          url: `http://127.0.0.1:${flowdesk.port}/slack/events`,
          signingSecret: BENCH_SIGNING_SECRET,
          cardMarker: ACTION.run,
        },
        {
          name: 'bare_bolt',
          url: `http://127.0.0.1:${bare.port}/slack/events`,
          signingSecret: BENCH_SIGNING_SECRET,
        },
      ],
      ratePerTarget: options.ratePerApp,
      warmupSeconds: options.warmupSeconds,
      measureSeconds: options.measureSeconds,
      texts: CARD_TEXTS,
      users: USERS,
      channel: CHANNEL,
      botUserId: BENCH_BOT.userId,
      replyTimeoutMs: 10_000,
    });
    const flowdeskResult = appOverhead(flowdeskReport as MentionTargetReport);
    const bareResult = appOverhead(bareReport as MentionTargetReport);
    const p50Ratio = ratio(flowdeskResult.p50_ms, bareResult.p50_ms);
    return {
      rate_per_app_per_s: options.ratePerApp,
      warmup_s: options.warmupSeconds,
      measure_s: options.measureSeconds,
      flowdesk: flowdeskResult,
      bare_bolt: bareResult,
      p50_ratio: p50Ratio,
      p99_ratio: ratio(flowdeskResult.p99_ms, bareResult.p99_ms),
      mean_ratio: ratio(flowdeskResult.mean_ms, bareResult.mean_ms),
      target_p50_ratio: TARGET_P50_RATIO,
      meets_target: p50Ratio !== null && p50Ratio <= TARGET_P50_RATIO,
      notes: NOTES,
    };
  } finally {
    await bare.stop();
  }
}

function appOverhead(report: MentionTargetReport): AppOverhead {
  return {
    ...summarize(report.latenciesMs),
    sent: report.sent,
    measured: report.measured,
    answered: report.answered,
    ...(report.cards === null ? {} : { cards: report.cards }),
    http_errors: report.httpErrors,
    ack_p50_ms: summarize(report.ackMs).p50_ms,
  };
}
