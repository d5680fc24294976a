/**
 * Prefect flow-run state events, as a Prefect automation's `call-webhook` action sends them
 * (`{{ event | tojson }}`, see ../shared/prefect/examples/event-flow-run-*.json). Pure: parsing and
 * comparison only.
 *
 * The event name's suffix is the state NAME (`prefect.flow-run.TimedOut` is a FAILED-type state), so the
 * state comes from the `prefect.state-type` / `prefect.state-name` resource labels, never from the name.
 */
import { z } from 'zod';
import type { PrefectStateType, RunState } from './types';

export const PREFECT_STATE_TYPES = [
  'SCHEDULED',
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'CRASHED',
  'PAUSED',
  'CANCELLING',
] as const satisfies readonly PrefectStateType[];

/** A flow run changed state: what flowdesk keeps of the event. */
export interface FlowRunStateEvent {
  /** The event id (the new state's id in Prefect): the dedupe key. */
  id: string;
  /** e.g. "prefect.flow-run.Completed" */
  event: string;
  occurred: string;
  flowRunId: string;
  flowRunName?: string;
  /** `prefect.run-count`: grows when a run is retried. */
  runCount?: number;
  state: RunState;
  /** Tags of the run, flow and deployment (from the `prefect.tag.*` related resources). */
  tags: string[];
  deploymentId?: string;
}

export type ParsePrefectEventResult =
  | { ok: true; event: FlowRunStateEvent }
  | {
      ok: false;
      error: string;
      /**
       * true for a well-formed Prefect event that is simply not a flow-run state change (another resource,
       * a heartbeat): acknowledge and drop it. false for a body that is not a usable event at all.
       */
      ignorable: boolean;
    };

const FLOW_RUN_EVENT_PREFIX = 'prefect.flow-run.';
const FLOW_RUN_RESOURCE = /^prefect\.flow-run\.([0-9a-fA-F-]{36})$/;
const DEPLOYMENT_RESOURCE = /^prefect\.deployment\.([0-9a-fA-F-]{36})$/;
const TAG_RESOURCE_PREFIX = 'prefect.tag.';

const isoTime = z
  .string()
  .min(1)
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO-8601 date-time' });

/** Label maps: Prefect labels are strings; anything else in a resource is not ours to judge. */
const labels = z.record(z.string(), z.unknown());

/** What every Prefect event has (`Event` in Prefect's schema). */
const eventEnvelope = z.object({
  id: z.string().min(1).max(200),
  event: z.string().min(1).max(1024),
  occurred: isoTime,
  resource: labels.refine((r) => typeof r['prefect.resource.id'] === 'string', {
    message: 'resource["prefect.resource.id"] is required',
  }),
  related: z.array(labels).optional().default([]),
});

const stateLabels = z.object({
  'prefect.state-type': z.enum(PREFECT_STATE_TYPES, {
    message: `must be one of ${PREFECT_STATE_TYPES.join(', ')}`,
  }),
  'prefect.state-name': z.string().min(1).max(200),
  'prefect.state-timestamp': isoTime,
  'prefect.state-message': z.string().optional(),
  'prefect.resource.name': z.string().optional(),
  'prefect.run-count': z.string().optional(),
});

/**
 * Validates a webhook body. Accepts the bare event (`{{ event | tojson }}`) and the richer envelope
 * `{"event": {...}, "flow_run": ...}` some people template instead.
 */
export function parsePrefectEvent(body: unknown): ParsePrefectEventResult {
  const candidate = unwrapEnvelope(body);
  const envelope = eventEnvelope.safeParse(candidate);
  if (!envelope.success) {
    return { ok: false, ignorable: false, error: `not a Prefect event: ${describeIssues(envelope.error)}` };
  }
  const { id, event, occurred, resource, related } = envelope.data;
  const resourceId = String(resource['prefect.resource.id']);
  const runMatch = FLOW_RUN_RESOURCE.exec(resourceId);
  if (!event.startsWith(FLOW_RUN_EVENT_PREFIX) || !runMatch) {
    return { ok: false, ignorable: true, error: `not a flow-run state event (${event} on ${resourceId})` };
  }
  if (resource['prefect.state-type'] === undefined) {
    // e.g. prefect.flow-run.heartbeat: about a flow run, but not a state change.
    return { ok: false, ignorable: true, error: `${event} carries no state (no prefect.state-type label)` };
  }
  const state = stateLabels.safeParse(resource);
  if (!state.success) {
    return {
      ok: false,
      ignorable: false,
      error: `invalid flow-run state labels: ${describeIssues(state.error)}`,
    };
  }
  return { ok: true, event: toFlowRunStateEvent({ id, event, occurred, related }, runMatch[1]!, state.data) };
}

function unwrapEnvelope(body: unknown): unknown {
  if (isRecord(body) && isRecord(body.event)) return body.event;
  return body;
}

function toFlowRunStateEvent(
  base: { id: string; event: string; occurred: string; related: Record<string, unknown>[] },
  flowRunId: string,
  labels: z.output<typeof stateLabels>,
): FlowRunStateEvent {
  const message = labels['prefect.state-message'];
  const runCount = Number(labels['prefect.run-count']);
  const result: FlowRunStateEvent = {
    id: base.id,
    event: base.event,
    occurred: base.occurred,
    flowRunId: flowRunId.toLowerCase(),
    state: {
      type: labels['prefect.state-type'],
      name: labels['prefect.state-name'],
      timestamp: labels['prefect.state-timestamp'],
      ...(message ? { message } : {}),
    },
    tags: relatedTags(base.related),
  };
  if (labels['prefect.resource.name']) result.flowRunName = labels['prefect.resource.name'];
  if (Number.isInteger(runCount) && runCount >= 0) result.runCount = runCount;
  const deploymentId = relatedDeploymentId(base.related);
  if (deploymentId) result.deploymentId = deploymentId;
  return result;
}

function relatedTags(related: Record<string, unknown>[]): string[] {
  const tags = new Set<string>();
  for (const entry of related) {
    const id = entry['prefect.resource.id'];
    if (
      typeof id === 'string' &&
      id.startsWith(TAG_RESOURCE_PREFIX) &&
      entry['prefect.resource.role'] === 'tag'
    ) {
      tags.add(id.slice(TAG_RESOURCE_PREFIX.length));
    }
  }
  return [...tags];
}

function relatedDeploymentId(related: Record<string, unknown>[]): string | undefined {
  for (const entry of related) {
    const id = entry['prefect.resource.id'];
    // Labels are strings; String() of a JSON object such as {"toString": 1} would throw.
    const match = typeof id === 'string' ? DEPLOYMENT_RESOURCE.exec(id) : null;
    if (match && entry['prefect.resource.role'] === 'deployment') return match[1]!.toLowerCase();
  }
  return undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A Prefect state timestamp as microseconds since the epoch. Prefect writes microseconds
 * (`2025-06-12T14:17:05.120334+00:00`); `Date.parse` keeps only milliseconds, and two state changes
 * within the same millisecond are common, so the sub-millisecond digits are kept. NaN when unparsable.
 */
export function stateTimestampMicros(iso: string): number {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return Number.NaN;
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(iso)?.[1] ?? '';
  const subMillis = Number(fraction.slice(3, 6).padEnd(3, '0'));
  return millis * 1000 + subMillis;
}

/** < 0 when `a` is older than `b`, 0 when equal, > 0 when newer (unparsable sorts first). */
export function compareStateTimestamps(a: string, b: string): number {
  const left = stateTimestampMicros(a);
  const right = stateTimestampMicros(b);
  if (Number.isNaN(left) || Number.isNaN(right))
    return Number.isNaN(left) ? (Number.isNaN(right) ? 0 : -1) : 1;
  return left - right;
}
