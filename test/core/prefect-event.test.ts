import {
  compareStateTimestamps,
  parsePrefectEvent,
  stateTimestampMicros,
} from '../../src/core/prefect-event';
import { buildStateEvent, loadSampleEvent, STATE_CASES } from './prefect-event-samples';

describe('parsePrefectEvent', () => {
  it('reads the real failed sample: run id, state, message, tags, deployment', () => {
    const result = parsePrefectEvent(loadSampleEvent('failed'));
    expect(result).toEqual({
      ok: true,
      event: {
        id: '0197b8e4-5c1a-7d3e-9f21-4b6c8a2e1f03',
        event: 'prefect.flow-run.Failed',
        occurred: '2025-06-12T14:03:27.481923Z',
        flowRunId: '5f8e2c71-3b4d-4a9e-8c10-2d7f6b9a1e44',
        flowRunName: 'witty-pelican',
        runCount: 1,
        state: {
          type: 'FAILED',
          name: 'Failed',
          timestamp: '2025-06-12T14:03:27.481923+00:00',
          message: "Flow run encountered an exception: KeyError: 'customer_id'",
        },
        tags: ['reports', 'slack-bot'],
        deploymentId: '2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90',
      },
    });
  });

  it('leaves out an empty state message (Prefect sends "")', () => {
    const result = parsePrefectEvent(loadSampleEvent('completed'));
    if (!result.ok) throw new Error(result.error);
    expect(result.event.state).toEqual({
      type: 'COMPLETED',
      name: 'Completed',
      timestamp: '2025-06-12T14:17:05.120334+00:00',
    });
  });

  it.each(STATE_CASES)('takes the state from the labels for $name ($type)', ({ name, type }) => {
    const result = parsePrefectEvent(buildStateEvent({ type, name, tags: ['flowdesk'] }));
    if (!result.ok) throw new Error(result.error);
    expect(result.event.state.type).toBe(type);
    expect(result.event.state.name).toBe(name);
    expect(result.event.tags).toEqual(['flowdesk']);
  });

  it('accepts the richer envelope {"event": {...}, "flow_run": ...}', () => {
    const event = loadSampleEvent('completed');
    const result = parsePrefectEvent({ event, flow_run: { id: 'x' }, deployment: null });
    expect(result.ok && result.event.id).toBe(event.id);
  });

  it('ignores (but does not reject) a Prefect event about something else', () => {
    const event = loadSampleEvent('completed');
    event.event = 'prefect.deployment.updated';
    event.resource = { 'prefect.resource.id': 'prefect.deployment.2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90' };
    const result = parsePrefectEvent(event);
    expect(result).toEqual({ ok: false, ignorable: true, error: expect.stringContaining('not a flow-run') });
  });

  it('ignores a flow-run event that carries no state (heartbeat)', () => {
    const event = loadSampleEvent('completed');
    event.event = 'prefect.flow-run.heartbeat';
    event.resource = { 'prefect.resource.id': event.resource['prefect.resource.id']! };
    const result = parsePrefectEvent(event);
    expect(result).toMatchObject({ ok: false, ignorable: true });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'prefect.flow-run.Completed'],
    ['an object that is no event', { hello: 'world' }],
  ])('rejects %s as not an event', (_label, body) => {
    const result = parsePrefectEvent(body);
    expect(result).toMatchObject({ ok: false, ignorable: false });
    expect(!result.ok && result.error).toMatch(/not a Prefect event/);
  });

  it.each([
    ['id', (e: Record<string, unknown>) => delete e.id, /id/],
    ['occurred', (e: Record<string, unknown>) => (e.occurred = 'yesterday'), /occurred/],
    [
      'resource id',
      (e: { resource: Record<string, unknown> }) => delete e.resource['prefect.resource.id'],
      /resource/,
    ],
  ])('rejects an event without a valid %s', (_label, mutate, reason) => {
    const event = loadSampleEvent('completed');
    mutate(event as never);
    const result = parsePrefectEvent(event);
    expect(result).toMatchObject({ ok: false, ignorable: false });
    expect(!result.ok && result.error).toMatch(reason);
  });

  it('rejects an unknown state type, a missing name or timestamp, naming the label', () => {
    for (const [label, value] of [
      ['prefect.state-type', 'EXPLODED'],
      ['prefect.state-name', undefined],
      ['prefect.state-timestamp', 'not a time'],
    ] as const) {
      const event = loadSampleEvent('completed');
      if (value === undefined) delete event.resource[label];
      else event.resource[label] = value;
      const result = parsePrefectEvent(event);
      expect(result).toMatchObject({ ok: false, ignorable: false });
      expect(!result.ok && result.error).toContain(label);
    }
  });
});

describe('state timestamps', () => {
  it('orders by microseconds within the same millisecond', () => {
    const earlier = '2025-06-12T14:17:05.120334+00:00';
    const later = '2025-06-12T14:17:05.120335+00:00';
    expect(compareStateTimestamps(earlier, later)).toBeLessThan(0);
    expect(compareStateTimestamps(later, earlier)).toBeGreaterThan(0);
    expect(compareStateTimestamps(earlier, earlier)).toBe(0);
  });

  it('compares across formats (Z and +00:00, with or without fractions)', () => {
    expect(stateTimestampMicros('2025-06-12T14:17:05Z')).toBe(
      stateTimestampMicros('2025-06-12T14:17:05.000000+00:00'),
    );
    expect(compareStateTimestamps('2025-06-12T16:17:05.5+02:00', '2025-06-12T14:17:05.4Z')).toBeGreaterThan(
      0,
    );
  });

  it('sorts an unparsable timestamp first', () => {
    expect(compareStateTimestamps('garbage', '2025-06-12T14:17:05Z')).toBeLessThan(0);
    expect(Number.isNaN(stateTimestampMicros('garbage'))).toBe(true);
  });
});
