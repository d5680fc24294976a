/**
 * Coalesces progress refreshes: a run's progress artifacts are read at most once per
 * `minIntervalMs` (default 3 s), and the status card is refreshed only when the value changed.
 * Pure bookkeeping in memory (no timers, no I/O); the caller passes the time.
 */
import type { RunProgress } from './progress';

export interface ProgressGate {
  /** true (and the slot taken) when this run's progress may be read now. */
  claimRead(flowRunId: string, nowMs: number): boolean;
  /** Records what was read; true when it differs from what was last recorded (worth a card update). */
  record(flowRunId: string, progress: RunProgress | undefined): boolean;
  /** The last recorded progress, for rendering the card at any time. */
  latest(flowRunId: string): RunProgress | undefined;
  /** Drops a run (terminal state): its memory is freed. */
  forget(flowRunId: string): void;
}

export interface ProgressGateOptions {
  minIntervalMs?: number;
  /** Runs remembered at most (oldest forgotten first). */
  maxRuns?: number;
}

interface Entry {
  lastReadMs: number;
  progress?: RunProgress;
}

export function createProgressGate(options: ProgressGateOptions = {}): ProgressGate {
  const minInterval = Math.max(0, options.minIntervalMs ?? 3000);
  const maxRuns = Math.max(1, options.maxRuns ?? 10_000);
  const entries = new Map<string, Entry>();

  const touch = (id: string, entry: Entry) => {
    entries.delete(id);
    entries.set(id, entry);
    if (entries.size > maxRuns) entries.delete(entries.keys().next().value as string);
  };

  return {
    claimRead(flowRunId, nowMs) {
      const entry = entries.get(flowRunId);
      if (entry && nowMs - entry.lastReadMs < minInterval) return false;
      touch(flowRunId, { lastReadMs: nowMs, progress: entry?.progress });
      return true;
    },
    record(flowRunId, progress) {
      const entry = entries.get(flowRunId) ?? { lastReadMs: Number.NEGATIVE_INFINITY };
      const changed = !sameProgress(entry.progress, progress);
      touch(flowRunId, { ...entry, progress });
      return changed;
    },
    latest: (flowRunId) => entries.get(flowRunId)?.progress,
    forget: (flowRunId) => {
      entries.delete(flowRunId);
    },
  };
}

function sameProgress(a: RunProgress | undefined, b: RunProgress | undefined): boolean {
  if (!a || !b) return a === b;
  return a.artifactId === b.artifactId && Math.floor(a.percent) === Math.floor(b.percent);
}
