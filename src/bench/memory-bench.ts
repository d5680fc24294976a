/**
 * Memory (SPEC §12): resident set size of flowdesk idle, right after it started, and with 10,000
 * tracked runs: that many followed requests in Redis, one poll cycle over all of them against the
 * fake Prefect (which reports each run in a newer state, so every request is updated and its status
 * message edited), and the notifier's caches full. A full GC runs before each reading.
 *
 * In `npm run bench` the phase runs in a child process of its own (memory-process.ts), so the
 * readings are those of flowdesk alone, and the other phases do not run in a heap it grew.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalogFromPath } from '../adapters/process-map-files';
import type { RunningFlowdesk } from '../app/cli-commands';
import { startBenchFlowdesk } from './bench-flowdesk';
import type { Edge } from './edge/edge';
import { canCollectGarbage, readMemory } from './gc';
import { seedFollowedRuns } from './seed-runs';
import { round } from './stats';

export interface MemoryPhaseOptions {
  runs: number;
  /** The process map entry the seeded requests belong to. */
  processId: string;
  processMapsPath: string;
  slackApiUrl: string;
  prefectApiUrl: string;
  redisPrefix: string;
  /** Older than the fake Prefect's state timestamp, so the poll applies a change to every run. */
  seededStateTimestamp: string;
}

export interface MemoryReadings {
  rss_idle_mb: number;
  rss_tracked_runs_mb: number;
  heap_used_idle_mb: number;
  heap_used_tracked_runs_mb: number;
  tracked_runs: number;
  seed_ms: number;
  poll_cycle_ms: number;
  gc_before_reading: boolean;
}

export interface MemoryBenchResult extends MemoryReadings {
  /** chat.update calls the fake Slack received: one per run whose new state reached its thread. */
  status_messages_edited: number;
  /** 'child process' or 'in-process'. */
  measured_in: string;
  notes: string[];
}

const CHANNEL = 'C0BENCHMEM';
const CHILD_TIMEOUT_MS = 240_000;

/** The phase, in a child process when `isolated`; the edge counts the status messages edited. */
export async function runMemoryBench(
  edge: Edge,
  options: MemoryPhaseOptions & { isolated: boolean },
): Promise<MemoryBenchResult> {
  const { isolated, ...phase } = options;
  const editsBefore = (await edge.slackCallCounts())['chat.update'] ?? 0;
  const readings = isolated ? await runMemoryPhaseInChild(phase) : await runMemoryPhase(phase);
  const edited = ((await edge.slackCallCounts())['chat.update'] ?? 0) - editsBefore;
  return {
    ...readings,
    status_messages_edited: edited,
    measured_in: isolated ? 'child process' : 'in-process',
    notes: [
      'RSS of a process running flowdesk as `flowdesk start` does (the fakes run elsewhere). Idle: after start-up and a full GC.',
      `With tracked runs: ${options.runs} followed requests seeded in Redis, then one poll cycle over all of them; the fake Prefect reports every run in a newer state, so each request is updated and its status message edited (status_messages_edited), which fills flowdesk's in-process caches (message refs, latest status per request). Then a full GC.`,
    ],
  };
}

/** Starts flowdesk, reads memory idle, seeds the runs, polls them all once, reads memory again. */
export async function runMemoryPhase(options: MemoryPhaseOptions): Promise<MemoryReadings> {
  const catalog = await loadCatalogFromPath(options.processMapsPath);
  const process = catalog.byId.get(options.processId);
  if (!process)
    throw new Error(`memory bench: no process "${options.processId}" in ${options.processMapsPath}`);
  const flowdesk = await startBenchFlowdesk(options);
  try {
    return await measure(flowdesk, options, process);
  } finally {
    await flowdesk.stop();
  }
}

async function measure(
  flowdesk: RunningFlowdesk,
  options: MemoryPhaseOptions,
  process: Parameters<typeof seedFollowedRuns>[1]['process'],
): Promise<MemoryReadings> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idle = await readMemory();
  const seedStarted = performance.now();
  await seedFollowedRuns(flowdesk.runtime.store, {
    count: options.runs,
    process,
    channel: CHANNEL,
    tsSeconds: 1_790_000_000,
    state: { type: 'PENDING', name: 'Pending', timestamp: options.seededStateTimestamp },
    prefectUiUrl: options.prefectApiUrl.replace(/\/api$/, ''),
  });
  const seedMs = performance.now() - seedStarted;
  const pollStarted = performance.now();
  // One cycle over every run (the periodic poller, running too, takes 200 at a time).
  await flowdesk.runtime.follower.pollOnce(options.runs);
  await flowdesk.bot.slack.delivery.idle();
  const pollMs = performance.now() - pollStarted;
  const tracked = await readMemory();
  return {
    rss_idle_mb: idle.rss_mb,
    rss_tracked_runs_mb: tracked.rss_mb,
    heap_used_idle_mb: idle.heap_used_mb,
    heap_used_tracked_runs_mb: tracked.heap_used_mb,
    tracked_runs: options.runs,
    seed_ms: round(seedMs),
    poll_cycle_ms: round(pollMs),
    gc_before_reading: canCollectGarbage(),
  };
}

function runMemoryPhaseInChild(options: MemoryPhaseOptions): Promise<MemoryReadings> {
  // stdout is the bench's JSON document: the child writes nothing there.
  const child = fork(path.join(__dirname, 'memory-process.js'), [], { stdio: ['ignore', 2, 2, 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`memory bench: no result within ${CHILD_TIMEOUT_MS / 1000} s`));
    }, CHILD_TIMEOUT_MS);
    child.on('message', (message: { result?: MemoryReadings; error?: string }) => {
      clearTimeout(timer);
      if (message.result) resolve(message.result);
      else reject(new Error(`memory bench failed: ${message.error}`));
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`memory bench process exited (${code}) without a result`));
    });
    child.send(options);
  });
}
