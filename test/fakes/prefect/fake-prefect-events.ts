import { randomUUID } from 'node:crypto';
import type { DeploymentResponse, FlowRunResponse, State } from './fake-prefect-model';

/** A Prefect flow-run state event, shaped like ../shared/prefect/examples/event-flow-run-*.json. */
export interface PrefectStateEvent {
  id: string;
  occurred: string;
  received: string;
  event: string;
  resource: Record<string, string>;
  related: Array<Record<string, string>>;
  payload: {
    intended: { from: string | null; to: string };
    initial_state: { type: string; name: string } | null;
    validated_state: { type: string; name: string; message?: string };
  };
  follows?: string;
}

/**
 * The event Prefect emits for `state` (what an automation's call-webhook sends with
 * `{{ event | tojson }}`). The event id is the state id, as in Prefect.
 */
export function buildStateEvent(
  run: FlowRunResponse,
  state: State,
  previous: State | null,
  deployment: DeploymentResponse | undefined,
  flowName: string | undefined,
): PrefectStateEvent {
  const name = state.name ?? state.type;
  const timestamp = state.timestamp ?? new Date().toISOString();
  const related: Array<Record<string, string>> = [
    {
      'prefect.resource.id': `prefect.flow.${run.flow_id}`,
      'prefect.resource.role': 'flow',
      'prefect.resource.name': flowName ?? 'unknown-flow',
    },
  ];
  if (deployment) {
    related.push({
      'prefect.resource.id': `prefect.deployment.${deployment.id}`,
      'prefect.resource.role': 'deployment',
      'prefect.resource.name': deployment.name,
    });
  }
  for (const tag of run.tags ?? []) {
    related.push({ 'prefect.resource.id': `prefect.tag.${tag}`, 'prefect.resource.role': 'tag' });
  }
  const validated: PrefectStateEvent['payload']['validated_state'] = { type: state.type, name };
  if (state.message) validated.message = state.message;
  const event: PrefectStateEvent = {
    id: state.id ?? randomUUID(),
    occurred: timestamp,
    received: new Date(Date.parse(timestamp) + 30).toISOString(),
    event: `prefect.flow-run.${name}`,
    resource: {
      'prefect.resource.id': `prefect.flow-run.${run.id}`,
      'prefect.resource.name': run.name ?? run.id,
      'prefect.run-count': String(run.run_count),
      'prefect.state-message': state.message ?? '',
      'prefect.state-name': name,
      // Prefect writes label timestamps with isoformat(): "+00:00" instead of "Z".
      'prefect.state-timestamp': timestamp.replace(/Z$/, '+00:00'),
      'prefect.state-type': state.type,
    },
    related,
    payload: {
      intended: { from: previous?.type ?? null, to: state.type },
      initial_state: previous ? { type: previous.type, name: previous.name ?? previous.type } : null,
      validated_state: validated,
    },
  };
  if (previous?.id) event.follows = previous.id;
  return event;
}
