/** Latency summaries for the benchmarks: nearest-rank percentiles, rounded for printing. */

export interface LatencySummary {
  n: number;
  p50_ms: number | null;
  p99_ms: number | null;
  mean_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
}

/** Nearest-rank percentile (p in 0..100) of values already sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) {
    return { n: 0, p50_ms: null, p99_ms: null, mean_ms: null, min_ms: null, max_ms: null };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    n: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    mean_ms: round(mean),
    min_ms: round(sorted[0] as number),
    max_ms: round(sorted[sorted.length - 1] as number),
  };
}

/** `a / b` rounded, or null when either side is missing or b is 0. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return round(a / b);
}
