/**
 * Property-based fuzzing of `parsePrefectEvent`: whatever a webhook body holds, the parser never
 * throws; it answers a clear error or an event whose every field comes from the input; and events
 * that Prefect could really send (any allowed state type) round-trip.
 */
import fc from 'fast-check';
import {
  type FlowRunStateEvent,
  type ParsePrefectEventResult,
  PREFECT_STATE_TYPES,
  parsePrefectEvent,
} from '../../src/core/prefect-event';
import { loadSampleEvent } from '../core/prefect-event-samples';
import {
  expectedEvent,
  HOSTILE_KEYS,
  mutatedSampleEvent,
  validEventBody,
  validEventSpec,
} from './prefect-event-arbitraries';

const SEED = 20_261_125;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parser, with a thrown error turned into a failed property that shows it. */
function parseOrFail(body: unknown): ParsePrefectEventResult {
  try {
    return parsePrefectEvent(body);
  } catch (error) {
    throw new Error(`parsePrefectEvent threw ${String(error)}`);
  }
}

/**
 * An accepted event must be made only of what the body says (an independent reading of the body):
 * nothing invented, nothing taken from a prototype.
 */
function expectEventFromBody(body: unknown, event: FlowRunStateEvent): void {
  const source = isRecord(body) && isRecord(body.event) ? body.event : body;
  if (!isRecord(source) || !isRecord(source.resource)) throw new Error('accepted a body without a resource');
  const resource = source.resource;
  const own = (key: string) => (Object.hasOwn(resource, key) ? resource[key] : undefined);
  expect(event.id).toBe(source.id);
  expect(event.event).toBe(source.event);
  expect(event.event.startsWith('prefect.flow-run.')).toBe(true);
  expect(event.occurred).toBe(source.occurred);
  expect(Number.isNaN(Date.parse(event.occurred))).toBe(false);
  expect(String(own('prefect.resource.id')).toLowerCase()).toBe(`prefect.flow-run.${event.flowRunId}`);
  expect(event.flowRunId).toMatch(/^[0-9a-f-]{36}$/);
  expect(PREFECT_STATE_TYPES).toContain(event.state.type);
  expect(event.state.type).toBe(own('prefect.state-type'));
  expect(event.state.name).toBe(own('prefect.state-name'));
  expect(event.state.timestamp).toBe(own('prefect.state-timestamp'));
  if (event.state.message !== undefined) expect(event.state.message).toBe(own('prefect.state-message'));
  if (event.flowRunName !== undefined) expect(event.flowRunName).toBe(own('prefect.resource.name'));
  if (event.runCount !== undefined) expect(event.runCount).toBe(Number(own('prefect.run-count')));
  const related = Array.isArray(source.related) ? source.related.filter(isRecord) : [];
  for (const tag of event.tags) {
    expect(
      related.some(
        (r) => r['prefect.resource.id'] === `prefect.tag.${tag}` && r['prefect.resource.role'] === 'tag',
      ),
    ).toBe(true);
  }
  expect(new Set(event.tags).size).toBe(event.tags.length);
  if (event.deploymentId !== undefined) {
    expect(
      related.some(
        (r) =>
          typeof r['prefect.resource.id'] === 'string' &&
          r['prefect.resource.id'].toLowerCase() === `prefect.deployment.${event.deploymentId}` &&
          r['prefect.resource.role'] === 'deployment',
      ),
    ).toBe(true);
  }
}

/** The contract every answer keeps: never a throw, a clear error, or an event read from the body. */
function checkContract(body: unknown): ParsePrefectEventResult {
  const result = parseOrFail(body);
  if (result.ok) {
    expectEventFromBody(body, result.event);
  } else {
    expect(typeof result.error).toBe('string');
    expect(result.error.trim()).not.toBe('');
    expect(result.error).not.toContain('[object Object]');
    expect(typeof result.ignorable).toBe('boolean');
  }
  // The route answers with the result as JSON: it must serialise.
  expect(() => JSON.stringify(result)).not.toThrow();
  return result;
}

describe('parsePrefectEvent under fuzzing', () => {
  it('never throws on arbitrary JSON values, and answers a clear error or a grounded event', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        checkContract(body);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws on arbitrary JavaScript values (null prototypes, symbols, sparse arrays, -0)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
        (body) => {
          checkContract(body);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws on arbitrary values under the keys it reads (event, resource, related)', () => {
    const shaped = fc.record(
      {
        id: fc.oneof(fc.string(), fc.jsonValue()),
        event: fc.oneof(fc.constant('prefect.flow-run.Completed'), fc.string(), fc.jsonValue()),
        occurred: fc.oneof(fc.constant('2025-06-12T14:17:05.120334Z'), fc.string(), fc.jsonValue()),
        resource: fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              'prefect.resource.id',
              'prefect.state-type',
              'prefect.state-name',
              'prefect.state-timestamp',
              'prefect.state-message',
              'prefect.resource.name',
              'prefect.run-count',
              ...HOSTILE_KEYS,
            ),
            fc.oneof(fc.string(), fc.jsonValue()),
          ),
          fc.jsonValue(),
        ),
        related: fc.oneof(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, fc.boolean(), (event, wrap) => {
        checkContract(wrap ? { event } : event);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws on mutations of the real samples (dropped or replaced fields, huge strings, hostile keys)', () => {
    fc.assert(
      fc.property(mutatedSampleEvent, (body) => {
        checkContract(body);
        // What arrives over HTTP is the JSON text: parse it back as the route does.
        checkContract(JSON.parse(JSON.stringify(body)));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('does not throw on a related resource whose id is an object that cannot become a string', () => {
    // Found by the mutation property above: `String({"toString": 1})` throws a TypeError.
    const body = JSON.parse(JSON.stringify(loadSampleEvent('completed'))) as { related: unknown[] };
    body.related.unshift({ 'prefect.resource.id': { toString: 1 }, 'prefect.resource.role': 'deployment' });
    const result = checkContract(JSON.parse(JSON.stringify(body)));
    expect(result.ok).toBe(true);
  });

  it('round-trips every event Prefect could send (any allowed state type, name, id, tags, message)', () => {
    fc.assert(
      fc.property(validEventSpec, (spec) => {
        const body = validEventBody(spec);
        const result = checkContract(JSON.parse(JSON.stringify(body)));
        if (!result.ok) throw new Error(`rejected a valid event: ${result.error}`);
        expect(result.event).toMatchObject(expectedEvent(spec));
        expect(result.event.tags).toEqual(spec.tags);
        // The fields a spec does not choose come from the sample it was built on.
        const sample = loadSampleEvent(spec.type === 'FAILED' ? 'failed' : 'completed');
        expect(result.event.flowRunName).toBe(sample.resource['prefect.resource.name']);
        expect(result.event.deploymentId).toBe('2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90');
        if (!spec.message) expect(result.event.state.message).toBeUndefined();
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('rejects (without throwing) a valid event whose state type is outside the allowed list', () => {
    const notAType = fc
      .oneof(fc.string(), fc.constantFrom('completed', 'Completed', 'AWAITINGRETRY', 'RUNNING '))
      .filter((s) => !(PREFECT_STATE_TYPES as readonly string[]).includes(s));
    fc.assert(
      fc.property(validEventSpec, notAType, (spec, type) => {
        const body = validEventBody({ ...spec, wrap: false }) as { resource: Record<string, unknown> };
        body.resource['prefect.state-type'] = type;
        const result = checkContract(body);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.ignorable).toBe(false);
          expect(result.error).toContain('prefect.state-type');
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
