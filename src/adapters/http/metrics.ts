/**
 * Prometheus metrics (SPEC §10), one registry per process. The counters are exposed for direct use,
 * and the `on…`/`count…` helpers have the exact shapes the adapters' optional hooks expect, so the
 * composition root passes them as they are (they are arrow functions: safe to pass detached):
 *
 *   createOpenAiRouter({ onUsage: metrics.countLlmUsage })
 *   createRedisStore({ onError: metrics.countRedisError })
 *   createPrefectWebhookHandler({ metrics })          // eventsReceived
 *   createRedisEventQueue({ metrics })                // eventsApplied
 *   createSlackApp({ onApiError: metrics.countSlackApiError })
 *
 * Label values are bounded on purpose: free text (error messages) never becomes a label, or every
 * distinct message would become a time series of its own.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type RequestOutcome = 'run' | 'ask' | 'out_of_scope' | 'denied' | 'error';

export interface CreateMetricsOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** Prefect events accepted but not applied yet; read at every scrape. */
  queueLag?: () => Promise<number>;
  /** How long a scrape waits for `queueLag`. Default 1000 ms. */
  queueLagTimeoutMs?: number;
}

export interface FlowdeskMetrics {
  registry: Registry;
  /** The Content-Type of `metricsText()`. */
  contentType: string;
  requestsTotal: Counter<'outcome'>;
  routingLatency: Histogram<'router'>;
  llmTokens: Counter<'kind' | 'model'>;
  runsStarted: Counter<'process'>;
  runOutcomes: Counter<'process' | 'state'>;
  webhookEvents: Counter<'outcome'>;
  webhookEventsApplied: Counter<'outcome'>;
  slackApiErrors: Counter<'method' | 'error'>;
  slackRateLimited: Counter<'method'>;
  redisErrors: Counter<'operation'>;
  queueLag: Gauge;

  countRequest: (outcome: RequestOutcome) => void;
  /** Seconds from message to routing decision; `router` is alias, local or llm. */
  observeRouting: (router: string, seconds: number) => void;
  countLlmUsage: (usage: { promptTokens: number; completionTokens: number; model: string }) => void;
  countRunStarted: (processId: string) => void;
  /** A run reached a terminal state (COMPLETED, FAILED, CRASHED, CANCELLED…). */
  countRunOutcome: (processId: string, state: string) => void;
  /** `PrefectWebhookDeps.metrics` */
  eventsReceived: (outcome: string) => void;
  /** `RedisEventQueueOptions.metrics` */
  eventsApplied: (outcome: string) => void;
  /** `CreateSlackAppDeps.onApiError`: a 429 counts as an error and as a rate limit. */
  countSlackApiError: (method: string, info: { kind: string; code: string }) => void;
  /** `RedisStoreOptions.onError` */
  countRedisError: (operation: string, error?: unknown) => void;
  /** For a queue created after the metrics (the composition root's usual order). */
  setQueueLagSource: (source: (() => Promise<number>) | null) => void;
  metricsText: () => Promise<string>;
}

/** Seconds: from an alias match (~1 ms) to a slow model call with retries (~20 s). */
const ROUTING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40];
const MAX_LABEL_LENGTH = 64;

export function createMetrics(
  registry: Registry = new Registry(),
  options: CreateMetricsOptions = {},
): FlowdeskMetrics {
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let lagSource = options.queueLag ?? null;
  const lagTimeoutMs = options.queueLagTimeoutMs ?? 1000;

  const requestsTotal = new Counter({
    name: 'flowdesk_requests_total',
    help: 'Messages handled, by routing outcome (run, ask, out_of_scope, denied, error).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const routingLatency = new Histogram({
    name: 'flowdesk_routing_latency_seconds',
    help: 'Time from a message to its routing decision, by router (alias, local, llm).',
    labelNames: ['router'] as const,
    buckets: ROUTING_BUCKETS,
    registers,
  });
  const llmTokens = new Counter({
    name: 'flowdesk_llm_tokens_total',
    help: 'Language model tokens used, by kind (prompt, completion) and model.',
    labelNames: ['kind', 'model'] as const,
    registers,
  });
  const runsStarted = new Counter({
    name: 'flowdesk_runs_started_total',
    help: 'Prefect flow runs created, by process.',
    labelNames: ['process'] as const,
    registers,
  });
  const runOutcomes = new Counter({
    name: 'flowdesk_run_outcomes_total',
    help: 'Flow runs that reached a terminal state, by process and state.',
    labelNames: ['process', 'state'] as const,
    registers,
  });
  const webhookEvents = new Counter({
    name: 'flowdesk_webhook_events_total',
    help: 'Requests to POST /webhooks/prefect, by outcome (accepted, ignored, unauthorized, invalid…).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const webhookEventsApplied = new Counter({
    name: 'flowdesk_webhook_events_applied_total',
    help: 'Queued Prefect events processed by the worker, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const slackApiErrors = new Counter({
    name: 'flowdesk_slack_api_errors_total',
    help: 'Failed Slack Web API calls, by method and error code (rate limits included, as "ratelimited").',
    labelNames: ['method', 'error'] as const,
    registers,
  });
  const slackRateLimited = new Counter({
    name: 'flowdesk_slack_rate_limited_total',
    help: 'Slack Web API calls answered with a rate limit (HTTP 429), by method.',
    labelNames: ['method'] as const,
    registers,
  });
  const redisErrors = new Counter({
    name: 'flowdesk_redis_errors_total',
    help: 'Failed Redis operations, by operation.',
    labelNames: ['operation'] as const,
    registers,
  });
  const queueLag = new Gauge({
    name: 'flowdesk_event_queue_lag',
    help: 'Prefect events accepted by the webhook and not yet applied to Slack threads.',
    registers,
    async collect() {
      if (!lagSource) return;
      const value = await withTimeout(lagSource, lagTimeoutMs).catch(() => undefined);
      // On failure the last known value stays: a scrape must not fail because the queue is unreachable.
      if (typeof value === 'number' && Number.isFinite(value)) this.set(value);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    requestsTotal,
    routingLatency,
    llmTokens,
    runsStarted,
    runOutcomes,
    webhookEvents,
    webhookEventsApplied,
    slackApiErrors,
    slackRateLimited,
    redisErrors,
    queueLag,
    countRequest: (outcome) => requestsTotal.inc({ outcome }),
    observeRouting: (router, seconds) => {
      if (Number.isFinite(seconds) && seconds >= 0)
        routingLatency.observe({ router: label(router) }, seconds);
    },
    countLlmUsage: ({ promptTokens, completionTokens, model }) => {
      const m = label(model);
      if (promptTokens > 0) llmTokens.inc({ kind: 'prompt', model: m }, promptTokens);
      if (completionTokens > 0) llmTokens.inc({ kind: 'completion', model: m }, completionTokens);
    },
    countRunStarted: (processId) => runsStarted.inc({ process: label(processId) }),
    countRunOutcome: (processId, state) =>
      runOutcomes.inc({ process: label(processId), state: label(state) }),
    eventsReceived: (outcome) => webhookEvents.inc({ outcome: label(outcome) }),
    eventsApplied: (outcome) => webhookEventsApplied.inc({ outcome: label(outcome) }),
    countSlackApiError: (method, info) => {
      const rateLimited = info.kind === 'rate_limited';
      slackApiErrors.inc({
        method: label(method),
        error: rateLimited ? 'ratelimited' : slackErrorLabel(info),
      });
      if (rateLimited) slackRateLimited.inc({ method: label(method) });
    },
    countRedisError: (operation) => redisErrors.inc({ operation: label(operation) }),
    setQueueLagSource: (source) => {
      lagSource = source;
    },
    metricsText: () => registry.metrics(),
  };
}

/** Slack's platform codes and `http_<status>` are a small set; network and other errors carry messages. */
function slackErrorLabel(info: { kind: string; code: string }): string {
  if (info.kind === 'network' || info.kind === 'other') return info.kind;
  return /^[a-z0-9_.-]{1,64}$/i.test(info.code) ? info.code : info.kind;
}

function label(value: string): string {
  const text = String(value ?? '').trim();
  if (text === '') return 'unknown';
  return text.length > MAX_LABEL_LENGTH ? text.slice(0, MAX_LABEL_LENGTH) : text;
}

async function withTimeout(source: () => Promise<number>, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([source(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
