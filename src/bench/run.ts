/**
 * `npm run bench` (SPEC §12): prints ONE JSON document on stdout (progress goes to stderr).
 * - bot_overhead: flowdesk vs a bare Bolt app, signed mentions at a steady rate (bot-overhead-bench.ts);
 * - webhook: Prefect events accepted and applied per second, event → chat.update (webhook-bench.ts);
 * - routing: `flowdesk eval` of the local router on CLINC150 (routing-bench.ts);
 * - llm_tokens: prompt tokens per request, shortlist vs every process as a tool (llm-tokens-bench.ts);
 * - memory: RSS idle and with 10,000 tracked runs (memory-bench.ts).
 * Slack and Prefect are bench-only fakes answering at once, in a child process with the load
 * generators (edge/); the memory phase runs flowdesk in a child process of its own. Redis is real
 * (REDIS_URL) under a bench-only key prefix, deleted at the end. Sizes: DEFAULT_BENCH_OPTIONS.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadCatalogFromPath } from '../adapters/process-map-files';
import type { RunningFlowdesk } from '../app/cli-commands';
import { buildRoutingIndex } from '../core/routing/routing-index';
import type { ProcessCatalog, ProcessDef } from '../core/types';
import { benchPrefix, defaultProcessMapsPath, deleteBenchKeys, startBenchFlowdesk } from './bench-flowdesk';
import { type BotOverheadOptions, type BotOverheadResult, runBotOverheadBench } from './bot-overhead-bench';
import { buildClinc150Catalog, defaultClinc150Dir } from './clinc150';
import { deploymentSchemas } from './deployment-schemas';
import type { Edge } from './edge/edge';
import { canIsolate, startEdge } from './edge/start-edge';
import { DEFAULT_RUN_STATE_TIMESTAMP } from './fakes/bench-prefect-api';
import { type LlmTokenBenchRow, runLlmTokenBench } from './llm-tokens-bench';
import { type MemoryBenchResult, runMemoryBench } from './memory-bench';
import { type RoutingBenchResult, runRoutingBench } from './routing-bench';
import { round } from './stats';
import { runWebhookBench, type WebhookBenchOptions, type WebhookBenchResult } from './webhook-bench';

export interface BenchOptions {
  overhead: BotOverheadOptions;
  webhook: Omit<WebhookBenchOptions, 'process' | 'prefectUiUrl'>;
  memory: { runs: number };
  /** CLINC150 directory (default defaultClinc150Dir()). */
  clinc150Dir?: string;
  llmTokenSizes: number[];
  processMapsPath?: string;
  /**
   * Run the fakes and load generators in a child process, and the memory phase in another
   * (default: when running compiled JavaScript; the jest smoke test runs everything in-process).
   */
  isolated?: boolean;
  /** Start of every Redis key the bench writes (a random part is added per flowdesk instance). */
  keyPrefix?: string;
  /** Progress lines (default stderr). */
  progress?: (line: string) => void;
}

/** Sized to finish well within 5 minutes on a shared 2-core machine. */
export const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  overhead: { ratePerApp: 20, warmupSeconds: 4, measureSeconds: 15 },
  webhook: {
    runs: 100,
    eventsPerRun: 20,
    concurrency: 32,
    steadyRuns: 100,
    steadyEventsPerRun: 2,
    steadyRatePerSecond: 50,
  },
  memory: { runs: 10_000 },
  llmTokenSizes: [10, 50, 150],
};

export interface BenchReport {
  benchmark: 'flowdesk';
  machine: { cpus: number; cpu_model: string; node: string; platform: string; loadavg_at_start: number[] };
  setup: Record<string, string>;
  bot_overhead: BotOverheadResult;
  webhook: WebhookBenchResult;
  routing: RoutingBenchResult;
  llm_tokens: LlmTokenBenchRow[];
  memory: MemoryBenchResult;
  duration_s: number;
}

/** The parts `FLOWDESK_BENCH_ONLY` may select (comma-separated), e.g. `FLOWDESK_BENCH_ONLY=bot,webhook`. */
export const BENCH_PARTS = ['bot', 'webhook', 'routing', 'memory'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

/** A report of some parts only (the others are absent), for measuring one change quickly. */
export type PartialBenchReport = Omit<
  BenchReport,
  'bot_overhead' | 'webhook' | 'routing' | 'llm_tokens' | 'memory'
> &
  Partial<BenchReport>;

export function benchPartsFromEnv(value: string | undefined): BenchPart[] {
  if (!value?.trim()) return [...BENCH_PARTS];
  const parts = value.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !(BENCH_PARTS as readonly string[]).includes(part));
  if (unknown.length > 0)
    throw new Error(
      `FLOWDESK_BENCH_ONLY: unknown part(s) ${unknown.join(', ')}; use ${BENCH_PARTS.join(',')}`,
    );
  return parts as BenchPart[];
}

export async function runBench(options: BenchOptions = DEFAULT_BENCH_OPTIONS): Promise<BenchReport> {
  return (await runBenchParts(options, [...BENCH_PARTS])) as BenchReport;
}

export async function runBenchParts(options: BenchOptions, parts: BenchPart[]): Promise<PartialBenchReport> {
  const started = performance.now();
  const progress = options.progress ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`));
  const processMapsPath = options.processMapsPath ?? defaultProcessMapsPath();
  const catalog = await loadCatalogFromPath(processMapsPath);
  const seededProcess = catalog.byId.get('reset-vpn') ?? (catalog.processes[0] as ProcessDef);
  const loadAtStart = loadavg().map((value) => round(value));
  const edge = await startEdge({
    deployments: deploymentSchemas(catalog),
    ...(options.isolated === undefined ? {} : { isolated: options.isolated }),
  });
  const prefectUiUrl = edge.prefectApiUrl.replace(/\/api$/, '');
  try {
    progress(`edge (fake Slack, fake Prefect, load generators): ${edge.isolation}`);
    const keyPrefix = options.keyPrefix ?? 'flowdesk-bench:';
    const memoryPrefix = benchPrefix(keyPrefix);
    if (parts.includes('memory')) progress(`memory: flowdesk idle, then ${options.memory.runs} tracked runs`);
    const memory = !parts.includes('memory')
      ? undefined
      : await runMemoryBench(edge, {
          runs: options.memory.runs,
          processId: seededProcess.id,
          processMapsPath,
          slackApiUrl: edge.slackApiUrl,
          prefectApiUrl: edge.prefectApiUrl,
          redisPrefix: memoryPrefix,
          seededStateTimestamp: olderThan(DEFAULT_RUN_STATE_TIMESTAMP),
          isolated: options.isolated ?? canIsolate(),
        }).finally(() => deleteBenchKeys(memoryPrefix));
    const withApp = parts.includes('bot') || parts.includes('webhook');
    const { overhead, webhook } = !withApp
      ? {}
      : await withFlowdesk(edge, processMapsPath, keyPrefix, async (flowdesk) => {
          const { ratePerApp, warmupSeconds, measureSeconds } = options.overhead;
          let overheadResult: BotOverheadResult | undefined;
          if (parts.includes('bot')) {
            progress(
              `bot overhead: ${ratePerApp}/s to each app, ${warmupSeconds} s warm-up + ${measureSeconds} s`,
            );
            overheadResult = await runBotOverheadBench(edge, flowdesk, options.overhead);
          }
          if (!parts.includes('webhook')) return { overhead: overheadResult };
          progress(
            `webhook: ${options.webhook.runs} runs × ${options.webhook.eventsPerRun} events, then steady`,
          );
          const webhookResult = await runWebhookBench(edge, flowdesk, {
            ...options.webhook,
            process: seededProcess,
            prefectUiUrl,
          });
          return { overhead: overheadResult, webhook: webhookResult };
        });
    const clinc150Dir = options.clinc150Dir ?? defaultClinc150Dir();
    let routing: RoutingBenchResult | undefined;
    let llmTokens: LlmTokenBenchRow[] | undefined;
    if (parts.includes('routing')) {
      progress('routing: local router on CLINC150 (validation split)');
      routing = await runRoutingBench({ dir: clinc150Dir, print: () => {} });
      progress(`llm tokens: ${options.llmTokenSizes.join(' → ')} processes`);
      llmTokens = await llmTokenRows(buildClinc150Catalog(clinc150Dir), options.llmTokenSizes);
    }
    return {
      benchmark: 'flowdesk',
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        loadavg_at_start: loadAtStart,
      },
      setup: {
        slack_and_prefect: `bench-only fakes answering at once (${edge.isolation})`,
        redis: 'real, under a bench-only key prefix deleted at the end',
        router: 'local (no LLM), as configured by FLOWDESK_ROUTER=local',
        process_maps: processMapsPath,
        logging: 'pino at info into a discarding sink',
      },
      ...(overhead ? { bot_overhead: overhead } : {}),
      ...(webhook ? { webhook } : {}),
      ...(routing ? { routing } : {}),
      ...(llmTokens ? { llm_tokens: llmTokens } : {}),
      ...(memory ? { memory } : {}),
      duration_s: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    await edge.close();
  }
}

/** A fresh flowdesk under its own key prefix, stopped and its keys deleted afterwards. */
async function withFlowdesk<T>(
  edge: Edge,
  processMapsPath: string,
  keyPrefix: string,
  work: (flowdesk: RunningFlowdesk) => Promise<T>,
): Promise<T> {
  const prefix = benchPrefix(keyPrefix);
  try {
    const flowdesk = await startBenchFlowdesk({
      slackApiUrl: edge.slackApiUrl,
      prefectApiUrl: edge.prefectApiUrl,
      redisPrefix: prefix,
      processMapsPath,
    });
    try {
      return await work(flowdesk);
    } finally {
      await flowdesk.stop();
    }
  } finally {
    await deleteBenchKeys(prefix);
  }
}

async function llmTokenRows(catalog: ProcessCatalog, sizes: number[]): Promise<LlmTokenBenchRow[]> {
  const index = buildRoutingIndex(catalog.processes);
  return runLlmTokenBench({
    sizes,
    // Spread over the whole catalog, so every size mixes CLINC150's domains.
    catalogFor: (size) => {
      const all = catalog.processes;
      const count = Math.min(size, all.length);
      return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)] as ProcessDef);
    },
    shortlister: index,
    print: () => {},
  });
}

function olderThan(iso: string): string {
  return new Date(Date.parse(iso) - 3_600_000).toISOString();
}

/** Prints the report as one JSON document (stdout by default). */
export async function main(
  options: BenchOptions = DEFAULT_BENCH_OPTIONS,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  try {
    const report = await runBenchParts(options, benchPartsFromEnv(process.env.FLOWDESK_BENCH_ONLY));
    write(`${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
