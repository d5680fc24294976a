import { renderReply } from '../../../src/adapters/terminal/render-reply';
import { describeEvent } from '../../../src/adapters/terminal/terminal-notifier';
import type { Reply } from '../../../src/core/engine-api';
import { answerFromResult } from '../../../src/core/results/result-answer';
import { buildRequest } from '../../helpers/build-request';

const request = buildRequest({
  status: 'finished',
  run: {
    flowRunId: 'run-1',
    deploymentId: 'dep-1',
    url: 'http://prefect.test/runs/flow-run/run-1',
    state: { type: 'COMPLETED', name: 'Completed', timestamp: '2025-01-15T09:39:00.000Z' },
    startedAt: '2025-01-15T09:37:00.000Z',
  },
});

describe('terminal rendering of result answers', () => {
  it('prints a model answer line by line with the run link', () => {
    const reply: Reply = {
      kind: 'result_answer',
      requestId: request.id,
      processId: request.processId,
      text: 'It completed.',
      runUrl: request.run?.url,
      answer: { via: 'model', markdown: 'It **completed**.\n\n\n- 42 rows' },
    };
    expect(renderReply(reply)).toEqual([
      'flowdesk> It **completed**.',
      '',
      '   - 42 rows',
      '   http://prefect.test/runs/flow-run/run-1',
    ]);
  });

  it('prints a structured answer: headline, artifacts and note', () => {
    const result = answerFromResult('show me the table', {
      request,
      logs: [],
      artifacts: [{ id: 'a1', key: 'orders', type: 'table', data: '[{"region":"emea"},{"region":"amer"}]' }],
    });
    const lines = renderReply({
      kind: 'result_answer',
      requestId: request.id,
      processId: request.processId,
      text: result.headline,
      answer: { via: 'local', result },
    });
    expect(lines[0]).toBe('flowdesk> reset-vpn completed.');
    expect(lines).toContain('   📎 orders (table): 2');
  });

  it('prints a progress line for a running run only', () => {
    const running = {
      ...request,
      status: 'submitted' as const,
      run: {
        ...request.run!,
        state: { type: 'RUNNING' as const, name: 'Running', timestamp: '2025-01-15T09:37:00Z' },
      },
    };
    const event = { kind: 'progress' as const, progress: { percent: 50, artifactId: 'p1' } };
    expect(describeEvent(running, undefined, event, new Date('2025-01-15T09:38:00.000Z'))).toEqual([
      'flowdesk> ⏳ ▓▓▓▓▓░░░░░ 50% · 1m 00s elapsed · about 1m 00s left',
    ]);
    expect(describeEvent(request, undefined, event, new Date())).toEqual([]);
    expect(describeEvent(running, undefined, { kind: 'progress' }, new Date())).toEqual([]);
  });
});
