/**
 * Answers a follow-up about a finished run ("what failed?", "show me the table again",
 * "summarise it") without a model: simple intent words pick what to show from the run's state,
 * logs and artifacts. The answer is structured; adapters render it (Slack: `answerBlocks`).
 */
import type { RunArtifact, RunLogLine } from '../ports';
import type { ProcessDef, RequestRecord, RunState } from '../types';
import { artifactKind, artifactValue, latestPerKey } from './artifact-values';
import { renderSummary } from './render-summary';

export type ResultIntent = 'failure' | 'tables' | 'links' | 'images' | 'logs' | 'summary' | 'overview';

export interface ResultAnswerInput {
  request: RequestRecord;
  process?: ProcessDef;
  /** Defaults to the request's run state. */
  state?: RunState;
  logs: readonly RunLogLine[];
  artifacts: readonly RunArtifact[];
}

export interface ArtifactBrief {
  key: string | null;
  type: string;
  description: string | null;
  /** A short value (row count, URL, first words of markdown). */
  preview: string;
}

export interface ResultAnswer {
  intent: ResultIntent;
  /** Plain text, e.g. "Refresh a dashboard failed." */
  headline: string;
  stateMessage?: string;
  /** The map's summary template, rendered. */
  summary?: string;
  /** Log lines worth showing, oldest first. */
  logs: RunLogLine[];
  /** Artifacts to render in full. */
  artifacts: RunArtifact[];
  /** One line per artifact the run produced (progress left out). */
  artifactList: ArtifactBrief[];
  /** Why something asked for is not there ("This run produced no table."). */
  note?: string;
}

/** Prefect levels: 40 = ERROR, 30 = WARNING. */
const ERROR_LEVEL = 40;
const WARNING_LEVEL = 30;
const MAX_LOG_LINES = 10;
const BRIEF_LINES = 5;
const MAX_PREVIEW = 120;

const INTENTS: Array<[ResultIntent, RegExp]> = [
  ['failure', /fail|error|why|wrong|crash|broke|exception|traceback/i],
  ['tables', /table|\brows?\b|spreadsheet/i],
  ['images', /\bimages?\b|\bcharts?\b|\bgraphs?\b|picture|\bplots?\b|\bpng\b/i],
  ['links', /\blinks?\b|\burls?\b|\bfiles?\b|download|\bcsv\b|\bpdf\b|\bxlsx\b|attachment/i],
  ['logs', /\blogs?\b|output/i],
  ['summary', /summar|overview|recap|tl;?dr|what happened|result/i],
];

export function detectIntent(question: string): ResultIntent {
  const text = String(question ?? '').slice(0, 1000);
  return INTENTS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'overview';
}

export function answerFromResult(question: string, input: ResultAnswerInput): ResultAnswer {
  const intent = detectIntent(question);
  const state = input.state ?? input.request.run?.state;
  const artifacts = latestPerKey(input.artifacts).filter((a) => artifactKind(a) !== 'progress');
  const base: ResultAnswer = {
    intent,
    headline: headline(input, state),
    logs: [],
    artifacts: [],
    artifactList: artifacts.map(brief),
  };
  const message = state?.message?.trim();
  if (message) base.stateMessage = message;

  switch (intent) {
    case 'failure':
      return failureAnswer(base, state, input.logs);
    case 'tables':
    case 'links':
    case 'images':
      return kindAnswer(base, intent, artifacts);
    case 'logs':
      return { ...base, logs: lastLines(input.logs, 0, MAX_LOG_LINES) };
    case 'summary':
      return withSummary(base, input);
    default: {
      const failed = state !== undefined && state.type !== 'COMPLETED';
      const logs = failed ? lastLines(input.logs, ERROR_LEVEL, BRIEF_LINES) : [];
      return { ...withSummary(base, input), logs };
    }
  }
}

function failureAnswer(
  base: ResultAnswer,
  state: RunState | undefined,
  logs: readonly RunLogLine[],
): ResultAnswer {
  if (state?.type === 'COMPLETED') {
    const warnings = logs.filter((l) => l.level >= WARNING_LEVEL).slice(-MAX_LOG_LINES);
    const note =
      warnings.length > 0
        ? 'The run completed; these are its warnings.'
        : 'The run completed without errors.';
    return { ...base, logs: warnings, note };
  }
  const chosen = lastLines(logs, ERROR_LEVEL, MAX_LOG_LINES);
  const note = logs.length === 0 ? 'No log lines were found for this run.' : undefined;
  return note ? { ...base, logs: chosen, note } : { ...base, logs: chosen };
}

const KIND_OF_INTENT = { tables: 'table', links: 'link', images: 'image' } as const;
const KIND_NAME = { tables: 'table', links: 'link or file', images: 'image' } as const;

function kindAnswer(
  base: ResultAnswer,
  intent: keyof typeof KIND_OF_INTENT,
  artifacts: RunArtifact[],
): ResultAnswer {
  const chosen = artifacts.filter((a) => artifactKind(a) === KIND_OF_INTENT[intent]);
  if (chosen.length > 0) return { ...base, artifacts: chosen };
  return { ...base, note: `This run produced no ${KIND_NAME[intent]}.` };
}

function withSummary(base: ResultAnswer, input: ResultAnswerInput): ResultAnswer {
  const template = input.process?.results?.summary;
  if (!template) return base;
  const summary = renderSummary(template, {
    parameters: input.request.parameters,
    artifacts: input.artifacts,
    requester: input.request.requester,
    run: { name: input.request.run?.flowRunName, state: input.request.run?.state.name },
  });
  return { ...base, summary };
}

/** Lines at or above `minLevel` (falling back to any level when there are none), newest kept. */
function lastLines(logs: readonly RunLogLine[], minLevel: number, count: number): RunLogLine[] {
  const matching = logs.filter((l) => l.level >= minLevel);
  return (matching.length > 0 ? matching : logs).slice(-count);
}

function headline(input: ResultAnswerInput, state: RunState | undefined): string {
  const title = input.process?.title ?? input.request.processId;
  if (!state) return `${title}: no run state is known.`;
  const verb: Record<string, string> = {
    COMPLETED: 'completed',
    FAILED: 'failed',
    CRASHED: 'crashed',
    CANCELLED: 'was cancelled',
  };
  return verb[state.type] ? `${title} ${verb[state.type]}.` : `${title} is ${state.name || state.type}.`;
}

function brief(artifact: RunArtifact): ArtifactBrief {
  const kind = artifactKind(artifact);
  const value = artifactValue(artifact);
  const preview = kind === 'table' ? `${value} rows` : value;
  return {
    key: artifact.key ?? null,
    type: kind === 'unknown' ? String(artifact.type ?? 'unknown') : kind,
    description: artifact.description ?? null,
    preview:
      Array.from(preview).length > MAX_PREVIEW
        ? `${Array.from(preview)
            .slice(0, MAX_PREVIEW - 1)
            .join('')}…`
        : preview,
  };
}
