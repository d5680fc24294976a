/**
 * Progress of a running flow: the latest `progress` artifact (Prefect's create/update_progress_artifact,
 * a number 0–100), drawn as a text bar with the elapsed time and a linear estimate of what is left.
 */
import type { RunArtifact } from '../ports';
import { progressOf } from './artifact-values';

export interface RunProgress {
  /** 0–100. */
  percent: number;
  artifactId: string;
  key?: string | null;
  description?: string | null;
}

export interface ProgressEstimate {
  elapsedMs?: number;
  /** Linear: elapsed × (100 − p) / p; absent below 1 % or at 100 % (nothing sensible to say). */
  remainingMs?: number;
}

const FILLED = '▓';
const EMPTY = '░';
/** Beyond this an estimate is noise, not information. */
const MAX_ESTIMATE_MS = 7 * 24 * 3600 * 1000;

/**
 * The most recently created progress artifact with a numeric value. Prefect updates a progress
 * artifact in place (same id, same `created`), so the newest one is the run's current stage.
 */
export function latestProgress(artifacts: readonly RunArtifact[]): RunProgress | undefined {
  let best: { artifact: RunArtifact; percent: number; index: number } | undefined;
  artifacts.forEach((artifact, index) => {
    const percent = progressOf(artifact);
    if (percent === undefined) return;
    if (!best || isLater(artifact, index, best.artifact, best.index)) best = { artifact, percent, index };
  });
  if (!best) return undefined;
  const { artifact, percent } = best;
  return {
    percent,
    artifactId: artifact.id,
    key: artifact.key ?? null,
    description: artifact.description ?? null,
  };
}

function isLater(a: RunArtifact, aIndex: number, b: RunArtifact, bIndex: number): boolean {
  const at = a.created ? Date.parse(a.created) : Number.NaN;
  const bt = b.created ? Date.parse(b.created) : Number.NaN;
  if (Number.isFinite(at) && Number.isFinite(bt) && at !== bt) return at > bt;
  return aIndex > bIndex;
}

/** "▓▓▓▓▓▓░░░░ 60%": the percentage is floored so a running flow never shows 100 %. */
export function progressBar(percent: number, width = 10): string {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
  const w = Math.min(50, Math.max(1, Math.floor(Number.isFinite(width) ? width : 10)));
  const filled = Math.min(w, Math.round((p / 100) * w));
  return `${FILLED.repeat(filled)}${EMPTY.repeat(w - filled)} ${Math.floor(p)}%`;
}

export function estimateProgress(
  percent: number,
  startedAt: string | undefined,
  now: Date,
): ProgressEstimate {
  const start = startedAt ? Date.parse(startedAt) : Number.NaN;
  if (!Number.isFinite(start)) return {};
  const elapsedMs = Math.max(0, now.getTime() - start);
  if (!Number.isFinite(percent) || percent < 1 || percent >= 100 || elapsedMs === 0) return { elapsedMs };
  const remainingMs = Math.round((elapsedMs * (100 - percent)) / percent);
  return remainingMs <= MAX_ESTIMATE_MS ? { elapsedMs, remainingMs } : { elapsedMs };
}

/** "▓▓▓▓▓▓░░░░ 60% · 3m 05s elapsed · about 2m 03s left" (plain text). */
export function describeProgress(
  progress: RunProgress,
  startedAt: string | undefined,
  now: Date,
  width = 10,
): string {
  const parts = [progressBar(progress.percent, width)];
  const estimate = estimateProgress(progress.percent, startedAt, now);
  if (estimate.elapsedMs !== undefined) parts.push(`${formatShortDuration(estimate.elapsedMs)} elapsed`);
  if (estimate.remainingMs !== undefined)
    parts.push(`about ${formatShortDuration(estimate.remainingMs)} left`);
  return parts.join(' · ');
}

/** "1h 02m", "3m 05s", "12s". */
export function formatShortDuration(ms: number): string {
  const total = Math.max(0, Math.round((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
