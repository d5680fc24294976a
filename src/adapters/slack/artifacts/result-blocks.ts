/**
 * One call for the result reply: the map's summary line (mrkdwn-escaped) and the selected
 * artifacts as blocks within the caller's block budget.
 */
import type { types } from '@slack/bolt';
import type { RunArtifact } from '../../../core/ports';
import { renderSummary } from '../../../core/results/render-summary';
import { selectArtifacts } from '../../../core/results/select-artifacts';
import type { ProcessDef, RequestRecord } from '../../../core/types';
import { escapeMrkdwn } from '../blocks/limits';
import { type RenderArtifactOptions, renderArtifactBlocks } from './artifact-blocks';

export interface ResultArtifactsInput extends Omit<RenderArtifactOptions, 'hiddenArtifacts'> {
  process: ProcessDef | undefined;
  artifacts: readonly RunArtifact[];
  /** Most artifacts rendered before "n more results" (default 8). */
  maxArtifacts?: number;
}

export interface ResultArtifacts {
  blocks: types.KnownBlock[];
  /** Keys in `results.keys` the run did not produce (worth a log line for the map's author). */
  missingKeys: string[];
}

export function resultArtifactBlocks(input: ResultArtifactsInput): ResultArtifacts {
  const { process, artifacts, maxArtifacts, ...options } = input;
  const selection = selectArtifacts(artifacts, { keys: process?.results?.keys, max: maxArtifacts });
  const blocks = renderArtifactBlocks(selection.shown, { ...options, hiddenArtifacts: selection.hidden });
  return { blocks, missingKeys: selection.missingKeys };
}

/** The process's `results.summary`, filled and escaped for mrkdwn; "" when the map has none. */
export function summaryMrkdwn(
  process: ProcessDef | undefined,
  request: RequestRecord,
  artifacts: readonly RunArtifact[],
): string {
  const template = process?.results?.summary;
  if (!template) return '';
  return escapeMrkdwn(
    renderSummary(template, {
      parameters: request.parameters,
      artifacts,
      requester: request.requester,
      run: { name: request.run?.flowRunName, state: request.run?.state.name },
    }),
  );
}
