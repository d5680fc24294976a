import { createRunEventSink } from '../../src/app/run-event-sink';
import type { ApplyOutcome } from '../../src/core/run-follower';

describe('createRunEventSink', () => {
  it.each([
    ['updated', 'applied'],
    ['finished', 'applied'],
    ['reopened', 'applied'],
    ['stale', 'stale'],
    ['unchanged', 'stale'],
    ['ignored', 'ignored'],
  ] as Array<[ApplyOutcome, string]>)('maps %s to %s and passes the state on', async (outcome, expected) => {
    const seen: unknown[] = [];
    const sink = createRunEventSink({
      applySnapshot: async (update) => {
        seen.push(update);
        return outcome;
      },
    });
    const state = { type: 'RUNNING' as const, name: 'Running', timestamp: '2025-06-12T10:00:00Z' };
    expect(await sink.applyRunState('run-1', state, { eventId: 'e1', source: 'webhook' })).toBe(expected);
    expect(seen).toEqual([{ flowRunId: 'run-1', state }]);
  });
});
