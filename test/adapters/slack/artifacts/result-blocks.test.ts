import { resultArtifactBlocks, summaryMrkdwn } from '../../../../src/adapters/slack/artifacts/result-blocks';
import type { RunArtifact } from '../../../../src/core/ports';
import type { ProcessDef } from '../../../../src/core/types';
import { validateBlocks } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

const RUN_URL = 'https://prefect.example.com/runs/flow-run/fr-1';
const process = {
  id: 'refresh-dashboard',
  title: 'Refresh a dashboard',
  results: {
    keys: ['row_count', 'dashboard_url'],
    upload: false,
    summary: 'Dashboard {{parameters.dashboard}} <refreshed>: {{artifacts.row_count}} rows',
  },
} as unknown as ProcessDef;
const artifacts: RunArtifact[] = [
  { id: 'p', key: 'progress', type: 'progress', data: 100 },
  { id: 'x', key: 'debug-dump', type: 'markdown', data: 'not wanted' },
  { id: 'u', key: 'dashboard-url', type: 'markdown', data: '[Sales](https://bi.example.com/d/sales)' },
  { id: 'r', key: 'row-count', type: 'markdown', data: '1,204' },
];

describe('result blocks', () => {
  it('shows only the keys the map asks for, in its order', () => {
    const { blocks, missingKeys } = resultArtifactBlocks({
      process,
      artifacts,
      runUrl: RUN_URL,
      maxBlocks: 40,
    });
    expect(validateBlocks(blocks, 50)).toEqual([]);
    const all = JSON.stringify(blocks);
    expect(all.indexOf('1,204')).toBeLessThan(all.indexOf('bi.example.com'));
    expect(all).not.toContain('not wanted');
    expect(missingKeys).toEqual([]);
  });

  it('fills the summary and escapes it for mrkdwn', () => {
    const request = buildRequest({ parameters: { dashboard: 'sales' } });
    expect(summaryMrkdwn(process, request, artifacts)).toBe('Dashboard sales &lt;refreshed&gt;: 1,204 rows');
    expect(summaryMrkdwn(undefined, request, artifacts)).toBe('');
  });

  it('counts artifacts beyond maxArtifacts in the "more" note', () => {
    const many = Array.from(
      { length: 12 },
      (_, i): RunArtifact => ({ id: `${i}`, key: `k${i}`, type: 'markdown', data: `v${i}` }),
    );
    const { blocks } = resultArtifactBlocks({
      process: undefined,
      artifacts: many,
      runUrl: RUN_URL,
      maxBlocks: 40,
      maxArtifacts: 3,
    });
    expect(blocks).toHaveLength(4);
    expect(JSON.stringify(blocks[3])).toContain('… 9 more results');
  });
});
