/**
 * `flowdesk eval --cases FILE.jsonl [--router local|llm] [--k N] [--json]` (SPEC §9): routing quality
 * on labelled requests. Each line is {"text": "...", "expect": "<process id>" | null} (null = out of
 * scope). Every case is routed as a fresh message (no thread context, no pending draft) by the given
 * router, against every process of the catalog, and shortlisted separately for recall@k.
 *
 * How outcomes are counted:
 * - `run` predicts its process; `ask` predicts the process it names (it recognised the request and
 *   asks for a missing parameter), or nothing when it names none (a clarifying question is neither a
 *   route nor a rejection); `out_of_scope` predicts "out of scope".
 * - in_scope_accuracy: in-scope cases predicted as their process / in-scope cases (predicted out of
 *   scope counts as wrong).
 * - oos_recall: out-of-scope cases predicted out of scope / out-of-scope cases.
 * - oos_precision: out-of-scope cases predicted out of scope / all cases predicted out of scope.
 * - recall_at_k: in-scope cases whose process is in the shortlist of k / in-scope cases.
 * - p50_ms / p99_ms: latency of `router.route` per case (nearest-rank percentiles).
 * - mean_prompt_tokens: mean `usage.promptTokens` over the decisions that report usage, null if none.
 * A metric without any case to measure it on is null.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FlowdeskError } from '../core/errors';
import type { Router, RoutingDecision, Shortlister } from '../core/ports';
import type { ProcessCatalog, Requester } from '../core/types';

export interface EvalCase {
  text: string;
  expect: string | null;
}

export interface EvalReport {
  cases: number;
  in_scope_accuracy: number | null;
  oos_recall: number | null;
  oos_precision: number | null;
  recall_at_k: number | null;
  k: number;
  p50_ms: number | null;
  p99_ms: number | null;
  mean_prompt_tokens: number | null;
}

export interface EvalOptions {
  casesPath: string;
  catalog: ProcessCatalog;
  router: Router;
  shortlister: Shortlister;
  k: number;
  json: boolean;
  print: (s: string) => void;
  requester?: Requester;
  /** Defaults to the wall clock; tests pass a fixed one. */
  now?: () => Date;
  /**
   * Cases routed once, untimed and uncounted, before the measured pass, so latency is measured on a
   * warmed-up process (JIT-compiled), as a running bot is. Default 0: with an LLM router every call costs.
   */
  warmup?: number;
}

const DEFAULT_REQUESTER: Requester = { id: 'UEVAL', name: 'eval', tz: 'UTC' };
const MAX_MISSES_SHOWN = 10;

function invalid(message: string): FlowdeskError {
  return new FlowdeskError('config_invalid', message, { userMessage: message });
}

export function readEvalCases(path: string, catalog: ProcessCatalog): EvalCase[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FlowdeskError('config_invalid', `cannot read ${path}`, {
      cause: error,
      userMessage: `Cannot read the cases file ${path}.`,
    });
  }
  const cases: EvalCase[] = [];
  content.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${path}:${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw invalid(`${where}: not valid JSON`);
    }
    const entry = parsed as Partial<EvalCase> | null;
    if (!entry || typeof entry !== 'object' || typeof entry.text !== 'string' || entry.text.trim() === '') {
      throw invalid(`${where}: expected {"text": "...", "expect": "<process id>" | null}`);
    }
    if (entry.expect !== null && typeof entry.expect !== 'string') {
      throw invalid(`${where}: "expect" must be a process id or null`);
    }
    if (entry.expect !== null && !catalog.byId.has(entry.expect)) {
      throw invalid(`${where}: unknown process id "${entry.expect}"`);
    }
    cases.push({ text: entry.text, expect: entry.expect });
  });
  if (cases.length === 0) throw invalid(`${path}: no cases`);
  return cases;
}

/** The process a decision routes to, null for "out of scope", undefined for a clarifying question. */
export function predictedProcess(decision: RoutingDecision): string | null | undefined {
  if (decision.kind === 'out_of_scope') return null;
  return decision.processId;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

interface Outcome {
  item: EvalCase;
  predicted: string | null | undefined;
  inShortlist: boolean;
  ms: number;
  promptTokens?: number;
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const cases = readEvalCases(options.casesPath, options.catalog);
  const requester = options.requester ?? DEFAULT_REQUESTER;
  const candidates = options.catalog.processes;
  const now = options.now ?? (() => new Date());
  const route = (item: EvalCase, index: number) =>
    options.router.route({
      text: item.text,
      requester,
      thread: { channel: 'eval', threadTs: `eval-${index + 1}`, isDm: true },
      context: null,
      candidates,
      now: now(),
    });
  for (const [index, item] of cases.slice(0, Math.max(0, options.warmup ?? 0)).entries())
    await route(item, index);
  const outcomes: Outcome[] = [];
  for (const [index, item] of cases.entries()) {
    const started = performance.now();
    const decision = await route(item, index);
    const ms = performance.now() - started;
    const inShortlist =
      item.expect !== null &&
      options.shortlister
        .shortlist(item.text, candidates, options.k)
        .some(({ process }) => process.id === item.expect);
    outcomes.push({
      item,
      predicted: predictedProcess(decision),
      inShortlist,
      ms,
      promptTokens: decision.usage?.promptTokens,
    });
  }
  const report = summarise(outcomes, options.k);
  options.print(options.json ? JSON.stringify(report) : formatReport(report, outcomes));
  return report;
}

function summarise(outcomes: readonly Outcome[], k: number): EvalReport {
  const inScope = outcomes.filter(({ item }) => item.expect !== null);
  const outOfScope = outcomes.filter(({ item }) => item.expect === null);
  const predictedOut = outcomes.filter(({ predicted }) => predicted === null);
  const latencies = outcomes.map(({ ms }) => ms).sort((a, b) => a - b);
  const tokens = outcomes.flatMap(({ promptTokens }) => (promptTokens === undefined ? [] : [promptTokens]));
  const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    cases: outcomes.length,
    in_scope_accuracy: ratio(
      inScope.filter(({ item, predicted }) => predicted === item.expect).length,
      inScope.length,
    ),
    oos_recall: ratio(outOfScope.filter(({ predicted }) => predicted === null).length, outOfScope.length),
    oos_precision: ratio(predictedOut.filter(({ item }) => item.expect === null).length, predictedOut.length),
    recall_at_k: ratio(inScope.filter(({ inShortlist }) => inShortlist).length, inScope.length),
    k,
    p50_ms: round(percentile(latencies, 0.5)),
    p99_ms: round(percentile(latencies, 0.99)),
    mean_prompt_tokens: tokens.length === 0 ? null : tokens.reduce((a, b) => a + b, 0) / tokens.length,
  };
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function formatReport(report: EvalReport, outcomes: readonly Outcome[]): string {
  const inScope = outcomes.filter(({ item }) => item.expect !== null).length;
  const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)} ms`);
  const rows: Array<[string, string]> = [
    ['cases', `${report.cases} (${inScope} in scope, ${report.cases - inScope} out of scope)`],
    ['in-scope accuracy', percent(report.in_scope_accuracy)],
    ['out-of-scope recall', percent(report.oos_recall)],
    ['out-of-scope precision', percent(report.oos_precision)],
    [`shortlist recall@${report.k}`, percent(report.recall_at_k)],
    ['latency p50 / p99', `${ms(report.p50_ms)} / ${ms(report.p99_ms)}`],
    [
      'prompt tokens / request',
      report.mean_prompt_tokens === null ? 'n/a' : report.mean_prompt_tokens.toFixed(0),
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  const misses = outcomes.filter(({ item, predicted }) => predicted !== item.expect);
  if (misses.length > 0) {
    lines.push('', `misrouted (${misses.length}, first ${Math.min(MAX_MISSES_SHOWN, misses.length)}):`);
    for (const { item, predicted } of misses.slice(0, MAX_MISSES_SHOWN)) {
      const got = predicted === null ? 'out of scope' : (predicted ?? 'a question');
      lines.push(`  "${item.text}"  expected ${item.expect ?? 'out of scope'}, got ${got}`);
    }
  }
  return lines.join('\n');
}
