/**
 * The progress line of a running request's status card:
 * "▓▓▓▓▓▓░░░░ 60% · 3m 05s elapsed · about 2m 03s left — loading orders".
 * The bar only appears while the run is RUNNING and has a progress artifact.
 */
import type { types } from '@slack/bolt';
import type { RunArtifact } from '../../../core/ports';
import { describeProgress, latestProgress, type RunProgress } from '../../../core/results/progress';
import type { RequestRecord } from '../../../core/types';
import { context, escapeMrkdwn, truncate } from '../blocks/limits';

export interface ProgressLineInput {
  progress: RunProgress;
  /** When the run started (RunInfo.startedAt); no elapsed time / estimate without it. */
  startedAt?: string;
  now: Date;
}

/** mrkdwn text: the bar, elapsed time, estimate, and the artifact's description if short. */
export function progressText(input: ProgressLineInput): string {
  const line = describeProgress(input.progress, input.startedAt, input.now);
  const description = input.progress.description?.replace(/\s+/g, ' ').trim();
  const label = description ? ` — ${escapeMrkdwn(truncate(description, 150))}` : '';
  return `${line}${label}`;
}

export function progressBlock(input: ProgressLineInput): types.ContextBlock {
  return context([progressText(input)]);
}

/**
 * The status card's progress block for a request, from the run's artifacts or a progress already
 * read (e.g. `ProgressGate.latest`); undefined unless the run is RUNNING with a progress value.
 */
export function requestProgressBlock(
  request: RequestRecord,
  source: { artifacts?: readonly RunArtifact[]; progress?: RunProgress },
  now: Date,
): types.ContextBlock | undefined {
  if (request.run?.state.type !== 'RUNNING') return undefined;
  const progress = source.progress ?? (source.artifacts ? latestProgress(source.artifacts) : undefined);
  if (!progress) return undefined;
  return progressBlock({ progress, startedAt: request.run.startedAt, now });
}
