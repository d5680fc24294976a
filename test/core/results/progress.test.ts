import type { RunArtifact } from '../../../src/core/ports';
import {
  describeProgress,
  estimateProgress,
  latestProgress,
  progressBar,
} from '../../../src/core/results/progress';

describe('progressBar', () => {
  it('draws filled and empty cells with the percentage', () => {
    expect(progressBar(60)).toBe('▓▓▓▓▓▓░░░░ 60%');
    expect(progressBar(0)).toBe('░░░░░░░░░░ 0%');
    expect(progressBar(100, 5)).toBe('▓▓▓▓▓ 100%');
    expect(progressBar(33.3, 3)).toBe('▓░░ 33%');
  });

  it('never shows 100 % before the end and survives nonsense', () => {
    expect(progressBar(99.7)).toBe('▓▓▓▓▓▓▓▓▓▓ 99%');
    expect(progressBar(-20)).toBe('░░░░░░░░░░ 0%');
    expect(progressBar(250)).toBe('▓▓▓▓▓▓▓▓▓▓ 100%');
    expect(progressBar(Number.NaN)).toBe('░░░░░░░░░░ 0%');
    expect(progressBar(50, 0)).toBe('▓ 50%');
    expect(progressBar(50, 1000)).toHaveLength(50 + ' 50%'.length);
  });
});

describe('latestProgress', () => {
  it('takes the most recently created numeric progress artifact', () => {
    const artifacts: RunArtifact[] = [
      { id: 'a', key: 'extract', type: 'progress', data: 100, created: '2025-06-12T10:00:00Z' },
      {
        id: 'b',
        key: 'load',
        type: 'progress',
        data: 42.5,
        created: '2025-06-12T10:05:00Z',
        description: 'loading',
      },
      { id: 'c', key: 'notes', type: 'markdown', data: '90', created: '2025-06-12T10:06:00Z' },
      { id: 'd', key: 'broken', type: 'progress', data: 'soon', created: '2025-06-12T10:07:00Z' },
    ];
    expect(latestProgress(artifacts)).toEqual({
      percent: 42.5,
      artifactId: 'b',
      key: 'load',
      description: 'loading',
    });
  });

  it('clamps out-of-range values and accepts numeric strings; none → undefined', () => {
    expect(latestProgress([{ id: 'x', type: 'progress', data: 140 }])?.percent).toBe(100);
    expect(latestProgress([{ id: 'x', type: 'progress', data: ' 7 ' }])?.percent).toBe(7);
    expect(latestProgress([{ id: 'x', type: 'markdown', data: 'hi' }])).toBeUndefined();
  });
});

describe('estimateProgress and describeProgress', () => {
  const startedAt = '2025-06-12T10:00:00.000Z';
  const now = new Date('2025-06-12T10:03:00.000Z');

  it('estimates linearly from the elapsed time', () => {
    expect(estimateProgress(60, startedAt, now)).toEqual({ elapsedMs: 180_000, remainingMs: 120_000 });
    expect(estimateProgress(25, startedAt, now)).toEqual({ elapsedMs: 180_000, remainingMs: 540_000 });
  });

  it('gives no estimate at 0 %, at 100 %, or without a start time', () => {
    expect(estimateProgress(0.5, startedAt, now)).toEqual({ elapsedMs: 180_000 });
    expect(estimateProgress(100, startedAt, now)).toEqual({ elapsedMs: 180_000 });
    expect(estimateProgress(50, undefined, now)).toEqual({});
    expect(estimateProgress(50, 'not a date', now)).toEqual({});
  });

  it('describes the bar, elapsed time and estimate in one line', () => {
    const progress = { percent: 60, artifactId: 'a' };
    expect(describeProgress(progress, startedAt, now)).toBe(
      '▓▓▓▓▓▓░░░░ 60% · 3m 00s elapsed · about 2m 00s left',
    );
    expect(describeProgress(progress, undefined, now)).toBe('▓▓▓▓▓▓░░░░ 60%');
  });
});
