import { createProgressGate } from '../../../src/core/results/progress-gate';

describe('createProgressGate', () => {
  it('lets a run be read at most once per interval and reports changes only', () => {
    const gate = createProgressGate({ minIntervalMs: 3000 });
    expect(gate.claimRead('run-1', 0)).toBe(true);
    expect(gate.claimRead('run-1', 2999)).toBe(false);
    expect(gate.claimRead('run-2', 2999)).toBe(true);
    expect(gate.record('run-1', { percent: 10, artifactId: 'a' })).toBe(true);
    expect(gate.claimRead('run-1', 3000)).toBe(true);
    expect(gate.record('run-1', { percent: 10.4, artifactId: 'a' })).toBe(false);
    expect(gate.record('run-1', { percent: 20, artifactId: 'a' })).toBe(true);
    expect(gate.latest('run-1')?.percent).toBe(20);
    gate.forget('run-1');
    expect(gate.latest('run-1')).toBeUndefined();
    expect(gate.claimRead('run-1', 3001)).toBe(true);
  });

  it('forgets the oldest runs beyond its capacity', () => {
    const gate = createProgressGate({ maxRuns: 2 });
    gate.record('a', { percent: 1, artifactId: 'x' });
    gate.record('b', { percent: 1, artifactId: 'x' });
    gate.record('c', { percent: 1, artifactId: 'x' });
    expect(gate.latest('a')).toBeUndefined();
    expect(gate.latest('c')?.percent).toBe(1);
  });
});
