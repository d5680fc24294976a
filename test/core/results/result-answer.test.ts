import type { RunArtifact, RunLogLine } from '../../../src/core/ports';
import { answerFromResult, detectIntent } from '../../../src/core/results/result-answer';
import type { ProcessDef, RunState } from '../../../src/core/types';
import { buildRequest } from '../../helpers/build-request';

const process = {
  id: 'refresh-dashboard',
  title: 'Refresh a dashboard',
  results: { upload: false, summary: 'Dashboard {{parameters.dashboard}}: {{artifacts.row_count}} rows' },
} as unknown as ProcessDef;

const failed: RunState = {
  type: 'FAILED',
  name: 'Failed',
  timestamp: '2025-06-12T10:05:00Z',
  message: 'Flow run encountered an exception: KeyError: region',
};
const completed: RunState = { type: 'COMPLETED', name: 'Completed', timestamp: '2025-06-12T10:05:00Z' };

const logs: RunLogLine[] = [
  { timestamp: '2025-06-12T10:00:00Z', level: 20, message: 'Starting extract' },
  { timestamp: '2025-06-12T10:01:00Z', level: 30, message: 'Slow query' },
  { timestamp: '2025-06-12T10:02:00Z', level: 40, message: 'KeyError: region' },
  { timestamp: '2025-06-12T10:03:00Z', level: 20, message: 'Cleaning up' },
];

const artifacts: RunArtifact[] = [
  { id: 'p', key: 'progress', type: 'progress', data: 100 },
  {
    id: 't',
    key: 'orders',
    type: 'table',
    data: JSON.stringify([{ id: 1 }, { id: 2 }]),
    description: 'Orders loaded',
  },
  { id: 'r', key: 'row-count', type: 'markdown', data: '2' },
  { id: 'l', key: 'dashboard', type: 'markdown', data: '[Open](https://bi.example.com/d/1)' },
];

function request(state: RunState) {
  return buildRequest({
    processId: 'refresh-dashboard',
    parameters: { dashboard: 'sales' },
    status: 'finished',
    run: {
      flowRunId: 'fr-1',
      deploymentId: 'd-1',
      url: 'https://prefect.example.com/runs/flow-run/fr-1',
      state,
    },
  });
}

describe('detectIntent', () => {
  it.each([
    ['what failed?', 'failure'],
    ['why did it break', 'failure'],
    ['any errors?', 'failure'],
    ['show me the table again', 'tables'],
    ['how many rows', 'tables'],
    ['summarise it', 'summary'],
    ['can I get the csv file', 'links'],
    ['show the chart', 'images'],
    ['show me the logs', 'logs'],
    ['thanks!', 'overview'],
  ])('%s → %s', (question, intent) => {
    expect(detectIntent(question)).toBe(intent);
  });
});

describe('answerFromResult', () => {
  it('answers "what failed?" with the state message and the error log lines', () => {
    const answer = answerFromResult('what failed?', { request: request(failed), process, logs, artifacts });
    expect(answer.intent).toBe('failure');
    expect(answer.headline).toBe('Refresh a dashboard failed.');
    expect(answer.stateMessage).toBe('Flow run encountered an exception: KeyError: region');
    expect(answer.logs.map((l) => l.message)).toEqual(['KeyError: region']);
  });

  it('says a completed run did not fail, and shows its warnings', () => {
    const answer = answerFromResult('why?', { request: request(completed), process, logs, artifacts });
    expect(answer.note).toBe('The run completed; these are its warnings.');
    expect(answer.logs.map((l) => l.level)).toEqual([30, 40]);
  });

  it('shows the tables again for "show me the table again"', () => {
    const answer = answerFromResult('show me the table again', {
      request: request(completed),
      process,
      logs,
      artifacts,
    });
    expect(answer.artifacts.map((a) => a.id)).toEqual(['t']);
    expect(answer.note).toBeUndefined();
  });

  it('notes when the run produced nothing of the kind asked for', () => {
    const answer = answerFromResult('show me the chart', {
      request: request(completed),
      process,
      logs,
      artifacts,
    });
    expect(answer.artifacts).toEqual([]);
    expect(answer.note).toBe('This run produced no image.');
  });

  it('summarises with the map template and a list of artifacts (progress left out)', () => {
    const answer = answerFromResult('summarise it', {
      request: request(completed),
      process,
      logs,
      artifacts,
    });
    expect(answer.summary).toBe('Dashboard sales: 2 rows');
    expect(answer.artifactList).toEqual([
      { key: 'orders', type: 'table', description: 'Orders loaded', preview: '2 rows' },
      { key: 'row-count', type: 'markdown', description: null, preview: '2' },
      { key: 'dashboard', type: 'link', description: null, preview: 'https://bi.example.com/d/1' },
    ]);
    expect(answer.logs).toEqual([]);
  });

  it('gives a brief overview otherwise, with the last errors of a failed run', () => {
    const answer = answerFromResult('hmm?', { request: request(failed), process, logs, artifacts });
    expect(answer.intent).toBe('overview');
    expect(answer.summary).toBe('Dashboard sales: 2 rows');
    expect(answer.logs.map((l) => l.message)).toEqual(['KeyError: region']);
  });

  it('copes with no state, no logs and no artifacts', () => {
    const bare = buildRequest({ processId: 'refresh-dashboard' });
    const answer = answerFromResult('what failed', { request: bare, logs: [], artifacts: [] });
    expect(answer.headline).toBe('refresh-dashboard: no run state is known.');
    expect(answer.note).toBe('No log lines were found for this run.');
  });
});
