/**
 * The "edge" of the benchmarks: everything outside flowdesk. The bench-only fake Slack Web API and
 * fake Prefect, and the load generators that send signed Slack events and Prefect webhooks and time
 * them against the calls the fake Slack receives. In `npm run bench` it runs in a child process
 * (edge-process.ts), so that, as in production, Slack, Prefect and the senders do not share the
 * bot's event loop; the jest smoke test runs it in-process. Both expose this interface.
 */
import { type BenchPrefectOptions, startBenchPrefectApi } from '../fakes/bench-prefect-api';
import { startBenchSlackApi } from '../fakes/bench-slack-api';
import { type MentionPlan, type MentionTargetReport, runMentionLoad } from './mention-load';
import {
  createWebhookSession,
  type WebhookPlan,
  type WebhookPostReport,
  type WebhookSession,
  type WebhookUpdateReport,
} from './webhook-load';

export interface Edge {
  readonly slackApiUrl: string;
  readonly prefectApiUrl: string;
  /** Where it runs: 'child process' or 'in-process'. */
  readonly isolation: string;
  runMentions(plan: MentionPlan): Promise<MentionTargetReport[]>;
  /** Posts the plan's events; the session stays open for `collectWebhookUpdates`. */
  postWebhookEvents(plan: WebhookPlan): Promise<WebhookPostReport>;
  collectWebhookUpdates(timeoutMs: number): Promise<WebhookUpdateReport>;
  slackCallCounts(): Promise<Record<string, number>>;
  prefectCallCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export type EdgeOptions = BenchPrefectOptions;

export async function createEdge(options: EdgeOptions): Promise<Edge> {
  const slack = await startBenchSlackApi();
  const prefect = await startBenchPrefectApi(options);
  let session: WebhookSession | undefined;
  return {
    slackApiUrl: slack.apiUrl,
    prefectApiUrl: prefect.apiUrl,
    isolation: 'in-process',
    runMentions: (plan) => runMentionLoad(slack, plan),
    postWebhookEvents(plan) {
      session = createWebhookSession(slack, plan);
      return session.post();
    },
    async collectWebhookUpdates(timeoutMs) {
      if (!session) throw new Error('collectWebhookUpdates: no webhook events were posted');
      const report = await session.collect(timeoutMs);
      session = undefined;
      return report;
    },
    slackCallCounts: async () => slack.counts(),
    prefectCallCounts: async () => prefect.counts(),
    async close() {
      await slack.close();
      await prefect.close();
    },
  };
}
