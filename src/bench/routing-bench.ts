/**
 * Routing quality of the local router on CLINC150 (SPEC §12): 150 processes built from the training
 * split, `flowdesk eval` on the validation split (in scope + out of scope). Prints one JSON object:
 * the eval report plus how it was produced. Data directory: FLOWDESK_CLINC150_DIR, else
 * ../shared/eval/clinc150 relative to the working directory. The test split is never read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type EvalReport, runEval } from '../commands/eval-command';
import {
  createLocalRouter,
  DEFAULT_LOCAL_THRESHOLD,
  DEFAULT_SHORTLIST_SIZE,
} from '../core/routing/local-router';
import { buildRoutingIndex } from '../core/routing/routing-index';
import { buildClinc150Catalog, defaultClinc150Dir, writeClinc150Cases } from './clinc150';

/** Routed once before measuring, so p50/p99 are those of a warmed-up bot, not of JIT compilation. */
const WARMUP_CASES = 300;

export interface RoutingBenchOptions {
  /** CLINC150 directory (train.jsonl, val.jsonl, oos_val.jsonl); default defaultClinc150Dir(). */
  dir?: string;
  k?: number;
  threshold?: number;
  /** Receives the JSON line (default stdout). */
  print?: (line: string) => void;
}

export interface RoutingBenchResult extends EvalReport {
  benchmark: 'routing';
  dataset: 'clinc150';
  split: 'validation';
  router: 'local';
  processes: number;
  threshold: number;
  index_build_ms: number;
  warmup_cases: number;
}

export async function runRoutingBench(options: RoutingBenchOptions = {}): Promise<RoutingBenchResult> {
  const dir = options.dir ?? defaultClinc150Dir();
  const k = options.k ?? DEFAULT_SHORTLIST_SIZE;
  const threshold = options.threshold ?? DEFAULT_LOCAL_THRESHOLD;
  const catalog = buildClinc150Catalog(dir);
  const started = performance.now();
  const index = buildRoutingIndex(catalog.processes);
  const indexBuildMs = Math.round(performance.now() - started);
  const workDir = mkdtempSync(path.join(tmpdir(), 'flowdesk-routing-bench-'));
  try {
    const report = await runEval({
      casesPath: writeClinc150Cases(dir, workDir),
      catalog,
      router: createLocalRouter({ index, threshold, k }),
      shortlister: index,
      k,
      json: true,
      print: () => {},
      warmup: WARMUP_CASES,
    });
    const result: RoutingBenchResult = {
      benchmark: 'routing',
      dataset: 'clinc150',
      split: 'validation',
      router: 'local',
      processes: catalog.processes.length,
      threshold,
      index_build_ms: indexBuildMs,
      warmup_cases: WARMUP_CASES,
      ...report,
    };
    (options.print ?? ((line: string) => process.stdout.write(`${line}\n`)))(JSON.stringify(result));
    return result;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  try {
    await runRoutingBench();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`routing bench failed: ${message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
