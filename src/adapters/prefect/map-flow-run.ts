import type { CancelOutcome, FlowRunSnapshot, RunInputKeyset } from '../../core/ports';
import type { PrefectStateType, RunState } from '../../core/types';
import type { PrefectSchemas } from './prefect-schemas';

type FlowRunResponse = PrefectSchemas['FlowRunResponse'];
type OrchestrationResult = PrefectSchemas['OrchestrationResult'];

export function toFlowRunSnapshot(run: FlowRunResponse): FlowRunSnapshot {
  const snapshot: FlowRunSnapshot = {
    id: run.id,
    name: run.name ?? run.id,
    deploymentId: run.deployment_id ?? null,
    state: toRunState(run),
    tags: run.tags ?? [],
    parameters: run.parameters ?? {},
  };
  if (run.start_time) snapshot.startTime = run.start_time;
  if (run.end_time) snapshot.endTime = run.end_time;
  const keyset = toRunInputKeyset(run.state?.state_details?.run_input_keyset);
  if (keyset) snapshot.pauseInputKeyset = keyset;
  return snapshot;
}

/** `state` is the full State; `state_type`/`state_name` are the denormalised copies (used when state is null). */
function toRunState(run: FlowRunResponse): RunState {
  const type = (run.state?.type ?? run.state_type ?? 'SCHEDULED') as PrefectStateType;
  const state: RunState = {
    type,
    name: run.state?.name ?? run.state_name ?? defaultStateName(type),
    timestamp: run.state?.timestamp ?? run.updated ?? run.created ?? new Date(0).toISOString(),
  };
  if (run.state?.message) state.message = run.state.message;
  return state;
}

/** Prefect defaults a state's name from its type: CANCELLING → "Cancelling". */
function defaultStateName(type: string): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}

function toRunInputKeyset(keyset: Record<string, string> | null | undefined): RunInputKeyset | undefined {
  if (!keyset?.schema) return undefined;
  const result: RunInputKeyset = { schema: keyset.schema };
  if (keyset.description) result.description = keyset.description;
  if (keyset.response) result.response = keyset.response;
  return result;
}

/**
 * set_state CANCELLING with force=false: ACCEPT → the run is cancelling (its worker stops it);
 * a run with no infrastructure is moved straight to CANCELLED (REJECT + CANCELLED state);
 * ABORT means the run had already finished.
 */
export function toCancelOutcome(result: OrchestrationResult): CancelOutcome {
  const reason =
    result.details && 'reason' in result.details ? (result.details.reason ?? undefined) : undefined;
  if (result.state?.type === 'CANCELLED') return { outcome: 'cancelled' };
  switch (result.status) {
    case 'ACCEPT':
      return { outcome: 'cancelling' };
    case 'ABORT':
      return { outcome: 'already_terminal', reason: reason ?? 'The run has already finished.' };
    default:
      return { outcome: 'refused', reason: reason ?? `Prefect answered ${result.status}.` };
  }
}
