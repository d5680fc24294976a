import type { RunArtifact } from '../../../src/core/ports';
import { renderSummary } from '../../../src/core/results/render-summary';

const artifacts: RunArtifact[] = [
  { id: '1', key: 'row-count', type: 'markdown', data: '12345' },
  { id: '2', key: 'orders', type: 'table', data: JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]) },
  {
    id: '3',
    key: 'dashboard-url',
    type: 'markdown',
    data: '[Sales dashboard](https://bi.example.com/d/sales)',
  },
  { id: '4', key: 'chart', type: 'image', data: 'https://img.example.com/chart.png' },
  { id: '5', key: 'load', type: 'progress', data: 62.5 },
  { id: '6', key: 'weird', type: 'result', data: { storage_key: 's3://x' } },
  { id: '7', key: 'columns', type: 'table', data: { a: [1, 2], b: [3, 4, 5, 6] } },
];

describe('renderSummary', () => {
  it('fills parameters and artifact values (map keys with _ match Prefect keys with -)', () => {
    const text = renderSummary(
      'Dashboard {{parameters.dashboard}} for {{ parameters.quarter }}: {{artifacts.row_count}} rows',
      {
        parameters: { dashboard: 'sales', quarter: 'Q3 2025' },
        artifacts,
      },
    );
    expect(text).toBe('Dashboard sales for Q3 2025: 12345 rows');
  });

  it('gives a table its row count, a link its URL, an image its URL, progress its percent', () => {
    const text = renderSummary(
      '{{artifacts.orders}} | {{artifacts.columns}} | {{artifacts.dashboard-url}} | {{artifacts.chart}} | {{artifacts.load}}',
      { parameters: {}, artifacts },
    );
    expect(text).toBe('3 | 4 | https://bi.example.com/d/sales | https://img.example.com/chart.png | 62.5%');
  });

  it('shows "?" for unknown artifact types, missing keys and missing parameters', () => {
    const text = renderSummary(
      '{{artifacts.weird}} {{artifacts.nope}} {{parameters.absent}} {{other.thing}}',
      {
        parameters: {},
        artifacts,
      },
    );
    expect(text).toBe('? ? ? ?');
  });

  it('uses the newest version of a key', () => {
    const versions: RunArtifact[] = [
      { id: 'a', key: 'count', type: 'markdown', data: '1', created: '2025-01-01T10:00:00Z' },
      { id: 'b', key: 'count', type: 'markdown', data: '2', created: '2025-01-01T11:00:00Z' },
      { id: 'c', key: 'count', type: 'markdown', data: '0', created: '2025-01-01T09:00:00Z' },
    ];
    expect(renderSummary('{{artifacts.count}}', { parameters: {}, artifacts: versions })).toBe('2');
  });

  it('renders objects as JSON, follows dotted paths, and never reaches prototype properties', () => {
    const text = renderSummary(
      '{{parameters.range}} {{parameters.range.start}} {{parameters.constructor}} {{parameters.n}}',
      {
        parameters: { range: { start: '2025-01-01' }, n: 0 },
        artifacts: [],
      },
    );
    expect(text).toBe('{"start":"2025-01-01"} 2025-01-01 ? 0');
  });

  it('does not execute anything and leaves other braces alone', () => {
    const text = renderSummary('{{parameters.x}} {{ 1 + 1 }} {{constructor.constructor("return 1")()}} {x}', {
      parameters: { x: '$' + '{process.exit()}' },
      artifacts: [],
    });
    expect(text).toBe('$' + '{process.exit()} {{ 1 + 1 }} {{constructor.constructor("return 1")()}} {x}');
  });

  it('caps each value and the whole output', () => {
    const long = 'x'.repeat(1000);
    const one = renderSummary('[{{parameters.a}}]', { parameters: { a: long }, artifacts: [] });
    expect(Array.from(one)).toHaveLength(202);
    expect(one.endsWith('…]')).toBe(true);
    const all = renderSummary(
      '{{parameters.a}} '.repeat(20),
      { parameters: { a: 'y'.repeat(100) }, artifacts: [] },
      { maxLength: 300 },
    );
    expect(Array.from(all)).toHaveLength(300);
  });

  it('puts multi-line values on one line and supports requester and run', () => {
    const text = renderSummary('{{artifacts.note}} by {{requester.name}} ({{run.name}})', {
      parameters: {},
      artifacts: [{ id: 'n', key: 'note', type: 'markdown', data: 'line one\n\nline two' }],
      requester: { name: 'Ann' },
      run: { name: 'brave-otter' },
    });
    expect(text).toBe('line one line two by Ann (brave-otter)');
  });
});
