/**
 * fast-check arbitraries for Prefect webhook bodies, shared by the parser and the webhook-route fuzz
 * tests: mutations of the real samples (../shared/prefect/examples/ via prefect-event-samples) and
 * valid state events built from random but allowed values.
 */
import fc from 'fast-check';
import { PREFECT_STATE_TYPES } from '../../src/core/prefect-event';
import type { PrefectStateType } from '../../src/core/types';
import { buildStateEvent, loadSampleEvent, prefectTimestamp } from '../core/prefect-event-samples';

type Json = unknown;
type Path = Array<string | number>;

/** Keys that poison naive `obj[key] = value` copies or `String(value)` conversions. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
] as const;

/** Values that are valid JSON but break code that assumes strings or plain objects. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    '',
    ' ',
    0,
    -1,
    1e308,
    true,
    [],
    {},
    { toString: 1 },
    { valueOf: 1, toString: 1 },
    JSON.parse('{"__proto__": {"prefect.resource.id": "prefect.tag.x"}}'),
    ['prefect.tag.x'],
    'prefect.flow-run.not-a-uuid',
    'prefect.flow-run.00000000-0000-0000-0000-00000000000G',
    '2025-13-45T99:99:99Z',
    'RUNNING ',
    'running',
    '\u0000',
    '\ud800',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A long string: up to a few KiB here (the webhook test adds bodies past its size limit). */
const hugeString = fc
  .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.integer({ min: 200, max: 4000 }))
  .map(([unit, times]) => unit.repeat(times));

/** Sets an own enumerable property, even `__proto__` (which plain assignment would not create). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** Every path in a JSON tree (the root is []), in a stable order. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (isContainer(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) paths.push(...pathsOf(record[key], [...prefix, key]));
  }
  return paths;
}

function parentOf(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

export type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'huge'; at: number; value: string }
  | { kind: 'hostile-key'; at: number; key: string; value: Json }
  | { kind: 'duplicate-related'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('huge' as const), at: fc.nat(), value: hugeString }),
  fc.record({
    kind: fc.constant('hostile-key' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom(...HOSTILE_KEYS),
      fc.constantFrom('prefect.resource.id', 'prefect.state-type'),
    ),
    value: hostileValue,
  }),
  fc.record({ kind: fc.constant('duplicate-related' as const), at: fc.nat() }),
);

/** Applies one mutation to a deep copy's node chosen by `at` (modulo the number of nodes). */
export function applyMutation(event: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const paths = pathsOf(event);
  const path = paths[m.at % paths.length]!;
  if (m.kind === 'hostile-key') {
    const target = findContainer(event, path);
    if (!Array.isArray(target)) setOwn(target, m.key, deepCopy(m.value));
    return event;
  }
  if (m.kind === 'duplicate-related') {
    const related = event.related;
    if (Array.isArray(related) && related.length > 0) related.push(related[m.at % related.length]);
    return event;
  }
  if (path.length === 0) return event; // the root itself: replaced by the "not an object" cases elsewhere
  const parent = parentOf(event, path) as Record<string | number, unknown> | unknown[];
  const last = path[path.length - 1]!;
  if (m.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Record<string, unknown>)[last];
  } else {
    // A copy: generated values are reused while shrinking and must never change.
    (parent as Record<string | number, unknown>)[last] = deepCopy(m.value);
  }
  return event;
}

/** The container at `path`, or its parent when the node there is a leaf. */
function findContainer(root: Record<string, unknown>, path: Path): Record<string, unknown> | unknown[] {
  let node: unknown = root;
  let container: Record<string, unknown> | unknown[] = root;
  for (const segment of path) {
    node = (node as Record<string | number, unknown>)[segment];
    if (!isContainer(node)) break;
    container = node;
  }
  return container;
}

function deepCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** One of the two real samples, with 1–4 random mutations, sometimes wrapped in the richer envelope. */
export const mutatedSampleEvent: fc.Arbitrary<unknown> = fc
  .record({
    sample: fc.constantFrom('completed' as const, 'failed' as const),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    wrap: fc.boolean(),
  })
  .map(({ sample, mutations, wrap }) => {
    let event = deepCopy(loadSampleEvent(sample)) as Record<string, unknown>;
    for (const m of mutations) event = applyMutation(event, m);
    return wrap ? { event, flow_run: { id: 'x' } } : event;
  });

export interface ValidEventSpec {
  flowRunId: string;
  type: PrefectStateType;
  name: string;
  at: Date;
  micros: number;
  id: string;
  message: string;
  runCount: number;
  tags: string[];
  upperCaseRunId: boolean;
  wrap: boolean;
}

/** Values a real Prefect event may carry: any allowed state type, names, ids, tags and messages. */
export const validEventSpec: fc.Arbitrary<ValidEventSpec> = fc.record({
  flowRunId: fc.uuid(),
  type: fc.constantFrom(...PREFECT_STATE_TYPES),
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s.length <= 200),
  at: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  }),
  micros: fc.integer({ min: 0, max: 999 }),
  id: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 80 }),
  message: fc.string({ unit: 'grapheme', maxLength: 200 }),
  runCount: fc.integer({ min: 0, max: 10_000 }),
  tags: fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { maxLength: 6 }),
  upperCaseRunId: fc.boolean(),
  wrap: fc.boolean(),
});

/** The webhook body for a spec, shaped exactly like Prefect's samples. */
export function validEventBody(spec: ValidEventSpec): Record<string, unknown> {
  const event = buildStateEvent({
    flowRunId: spec.upperCaseRunId ? spec.flowRunId.toUpperCase() : spec.flowRunId,
    type: spec.type,
    name: spec.name,
    at: spec.at,
    micros: spec.micros,
    id: spec.id,
    message: spec.message,
    runCount: spec.runCount,
    tags: spec.tags,
  });
  return spec.wrap ? { event, flow_run: { id: spec.flowRunId } } : event;
}

/** What the parser must report for a spec's body. */
export function expectedEvent(spec: ValidEventSpec) {
  return {
    id: spec.id,
    event: `prefect.flow-run.${spec.name}`,
    flowRunId: spec.flowRunId.toLowerCase(),
    state: {
      type: spec.type,
      name: spec.name,
      timestamp: prefectTimestamp(spec.at, spec.micros),
      ...(spec.message ? { message: spec.message } : {}),
    },
    runCount: spec.runCount,
    tags: spec.tags,
  };
}
