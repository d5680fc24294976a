/**
 * What the run follower tells a thread besides "the state changed": the result of a finished run
 * (the last error logs for a failure, the artifacts) and the input form of a run paused for input.
 * Reading them must never block following the run: failures fall back to less detail.
 */
import type { RunFollowerDeps, RunUpdate } from './run-follower';
import { readPauseDescription, readPauseSchema } from './run-input/pause-input';
import type { RequestRecord } from './types';

const ERROR_LEVEL = 40;
const LOG_LINES = 10;

export async function finishedEvent(deps: RunFollowerDeps, request: RequestRecord) {
  const state = request.run!.state.type;
  const runId = request.run!.flowRunId;
  const failed = state === 'FAILED' || state === 'CRASHED';
  const [logs, artifacts] = await Promise.all([
    failed && deps.prefect
      ? deps.prefect
          .readLogs(runId, { minLevel: ERROR_LEVEL, limit: LOG_LINES })
          .catch(warn(deps, runId, 'logs', []))
      : [],
    deps.prefect ? deps.prefect.readArtifacts(runId).catch(warn(deps, runId, 'artifacts', [])) : [],
  ]);
  return { kind: 'finished' as const, logs, artifacts };
}

/** PAUSED with an input schema becomes a form for the requester; anything else is a state change. */
export async function pausedEvent(deps: RunFollowerDeps, request: RequestRecord, update: RunUpdate) {
  const stateChanged = { kind: 'state_changed' as const };
  if (request.run?.state.type !== 'PAUSED' || !deps.prefect) return stateChanged;
  const runId = request.run.flowRunId;
  try {
    const keyset = update.pauseInputKeyset ?? (await deps.prefect.readFlowRun(runId)).pauseInputKeyset;
    if (!keyset) return stateChanged;
    const schema = await readPauseSchema(deps.prefect, runId, keyset);
    if (!schema) return stateChanged;
    // The keyset names the stored description (`paused-1-description`); its text is read from there.
    const description = await readPauseDescription(deps.prefect, runId, keyset);
    return {
      kind: 'paused_for_input' as const,
      schema,
      ...(description ? { description } : {}),
    };
  } catch (error) {
    deps.logger.warn(
      { flowRunId: runId, err: (error as Error).message },
      'could not read the pause input schema',
    );
    return stateChanged;
  }
}

function warn<T>(deps: RunFollowerDeps, runId: string, what: string, fallback: T) {
  return (error: unknown): T => {
    deps.logger.warn({ flowRunId: runId, err: (error as Error).message }, `could not read the run's ${what}`);
    return fallback;
  };
}
