import type { RunArtifact } from '../../../src/core/ports';
import { selectArtifacts } from '../../../src/core/results/select-artifacts';

function artifact(id: string, key: string | null, type = 'markdown', created?: string): RunArtifact {
  return { id, key, type, data: `data of ${id}`, ...(created ? { created } : {}) };
}

describe('selectArtifacts', () => {
  const artifacts = [
    artifact('p1', 'progress', 'progress'),
    artifact('a', 'report', 'markdown'),
    artifact('b', 'row-count', 'markdown'),
    artifact('c', null, 'table'),
    artifact('d', 'dashboard-url', 'markdown'),
  ];

  it('shows everything but progress, in production order, when the map names no keys', () => {
    const selection = selectArtifacts(artifacts);
    expect(selection.shown.map((a) => a.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(selection.hidden).toBe(0);
  });

  it('applies results.keys in the order the map lists them (underscores match dashes)', () => {
    const selection = selectArtifacts(artifacts, { keys: ['dashboard_url', 'row_count', 'missing_one'] });
    expect(selection.shown.map((a) => a.id)).toEqual(['d', 'b']);
    expect(selection.missingKeys).toEqual(['missing_one']);
  });

  it('omits progress even when its key is listed, unless asked, and then puts it last', () => {
    expect(selectArtifacts(artifacts, { keys: ['progress', 'report'] }).shown.map((a) => a.id)).toEqual([
      'a',
    ]);
    const withProgress = selectArtifacts(artifacts, { keys: ['progress', 'report'], includeProgress: true });
    expect(withProgress.shown.map((a) => a.id)).toEqual(['a', 'p1']);
  });

  it('caps the count and says how many more there are', () => {
    const many = Array.from({ length: 12 }, (_, i) => artifact(`m${i}`, `k${i}`));
    const selection = selectArtifacts(many, { max: 5 });
    expect(selection.shown.map((a) => a.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(selection.hidden).toBe(7);
  });

  it('keeps only the newest version of a key', () => {
    const versions = [
      artifact('v1', 'summary', 'markdown', '2025-01-01T10:00:00Z'),
      artifact('x', 'other', 'markdown', '2025-01-01T10:30:00Z'),
      artifact('v2', 'summary', 'markdown', '2025-01-01T11:00:00Z'),
    ];
    expect(selectArtifacts(versions).shown.map((a) => a.id)).toEqual(['x', 'v2']);
    expect(selectArtifacts(versions, { keys: ['summary'] }).shown.map((a) => a.id)).toEqual(['v2']);
  });
});
