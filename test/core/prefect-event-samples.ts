/**
 * Flow-run state events built from Prefect's real samples (../shared/prefect/examples/), changing only
 * what a case is about: the run, the state and its timestamp, the event id.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PrefectStateType } from '../../src/core/types';

export const EXAMPLES_DIR =
  process.env.PREFECT_EXAMPLES_PATH ?? path.resolve(__dirname, '../../../shared/prefect/examples');

type RawEvent = Record<string, unknown> & {
  resource: Record<string, string>;
  related: Array<Record<string, string>>;
  payload: Record<string, unknown>;
};

export function loadSampleEvent(name: 'completed' | 'failed'): RawEvent {
  return JSON.parse(
    fs.readFileSync(path.join(EXAMPLES_DIR, `event-flow-run-${name}.json`), 'utf8'),
  ) as RawEvent;
}

/** The states the webhook must handle, as Prefect names them (TimedOut is a FAILED-type state). */
export const STATE_CASES: Array<{ name: string; type: PrefectStateType }> = [
  { name: 'Running', type: 'RUNNING' },
  { name: 'Completed', type: 'COMPLETED' },
  { name: 'Failed', type: 'FAILED' },
  { name: 'TimedOut', type: 'FAILED' },
  { name: 'Crashed', type: 'CRASHED' },
  { name: 'Cancelled', type: 'CANCELLED' },
  { name: 'Paused', type: 'PAUSED' },
];

export interface StateEventInput {
  flowRunId?: string;
  type: PrefectStateType;
  name: string;
  /** When the state was entered; default now. */
  at?: Date;
  /** Microseconds within the millisecond, as Prefect writes them. */
  micros?: number;
  id?: string;
  message?: string;
  runCount?: number;
  tags?: string[];
}

/** A `prefect.flow-run.<Name>` event shaped exactly like the samples. */
export function buildStateEvent(input: StateEventInput): RawEvent {
  const event = loadSampleEvent(input.type === 'FAILED' ? 'failed' : 'completed');
  const at = input.at ?? new Date();
  const flowRunId = input.flowRunId ?? randomUUID();
  const stateTimestamp = prefectTimestamp(at, input.micros ?? 0);
  const previous = event.payload.validated_state as Record<string, unknown>;
  event.id = input.id ?? randomUUID();
  event.event = `prefect.flow-run.${input.name}`;
  event.occurred = stateTimestamp.replace('+00:00', 'Z');
  event.received = event.occurred;
  event.resource = {
    ...event.resource,
    'prefect.resource.id': `prefect.flow-run.${flowRunId}`,
    'prefect.state-type': input.type,
    'prefect.state-name': input.name,
    'prefect.state-timestamp': stateTimestamp,
    'prefect.state-message': input.message ?? '',
    'prefect.run-count': String(input.runCount ?? 1),
  };
  if (input.tags) {
    event.related = [
      ...event.related.filter((entry) => entry['prefect.resource.role'] !== 'tag'),
      ...input.tags.map((tag) => ({
        'prefect.resource.id': `prefect.tag.${tag}`,
        'prefect.resource.role': 'tag',
      })),
    ];
  }
  event.payload = {
    intended: { from: previous.type, to: input.type },
    initial_state: previous,
    validated_state: {
      type: input.type,
      name: input.name,
      ...(input.message ? { message: input.message } : {}),
    },
  };
  return event;
}

/** `2025-06-12T14:17:05.120334+00:00`: Prefect's label format (isoformat with microseconds). */
export function prefectTimestamp(at: Date, micros = 0): string {
  const iso = at.toISOString(); // 2025-06-12T14:17:05.120Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}
