import { replyMessage } from '../../../../src/adapters/slack/blocks/reply-message';
import { statusCard } from '../../../../src/adapters/slack/blocks/status-card';
import type { Reply } from '../../../../src/core/engine-api';
import { answerFromResult } from '../../../../src/core/results/result-answer';
import type { RequestRecord, RunState } from '../../../../src/core/types';
import { validateMessage } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

const NOW = new Date('2025-01-15T09:40:00.000Z');
const progress = { percent: 60, artifactId: 'a1', key: 'load', description: 'loading <!channel> orders' };

function submitted(state: RunState): RequestRecord {
  return buildRequest({
    status: 'submitted',
    run: {
      flowRunId: 'run-1',
      deploymentId: 'dep-1',
      url: 'https://prefect.example.com/runs/flow-run/run-1',
      state,
      startedAt: '2025-01-15T09:37:00.000Z',
    },
  });
}

describe('statusCard with progress', () => {
  it('shows the bar, elapsed time, estimate and escaped description while RUNNING', () => {
    const request = submitted({ type: 'RUNNING', name: 'Running', timestamp: '2025-01-15T09:37:00.000Z' });
    const card = statusCard(request, undefined, NOW, { progress });
    const all = JSON.stringify(card.blocks);
    expect(all).toContain('▓▓▓▓▓▓░░░░ 60%');
    expect(all).toContain('3m 00s elapsed');
    expect(all).toContain('about 2m 00s left');
    expect(all).toContain('&lt;!channel&gt;');
    expect(validateMessage({ blocks: card.blocks })).toEqual([]);
  });

  it('drops the bar once the run is no longer RUNNING, and without progress', () => {
    const done = submitted({ type: 'COMPLETED', name: 'Completed', timestamp: '2025-01-15T09:39:00.000Z' });
    expect(JSON.stringify(statusCard(done, undefined, NOW, { progress }).blocks)).not.toContain('60%');
    const running = submitted({ type: 'RUNNING', name: 'Running', timestamp: '2025-01-15T09:37:00.000Z' });
    expect(statusCard(running, undefined, NOW).blocks).toEqual(
      statusCard(running, undefined, NOW, {}).blocks,
    );
    expect(JSON.stringify(statusCard(running, undefined, NOW).blocks)).not.toContain('░');
  });
});

describe('replyMessage for result answers', () => {
  const request = submitted({
    type: 'FAILED',
    name: 'Failed',
    timestamp: '2025-01-15T09:39:00.000Z',
    message: 'boom',
  });

  it('renders a model answer from Markdown with the run link', () => {
    const reply: Reply = {
      kind: 'result_answer',
      requestId: request.id,
      processId: request.processId,
      text: 'It failed on <!here>.',
      runUrl: 'https://prefect.example.com/runs/flow-run/run-1',
      answer: { via: 'model', markdown: 'It **failed** on <!here>.' },
    };
    const message = replyMessage(reply, NOW);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*failed*');
    expect(all).not.toContain('<!here>');
    expect(all).toContain('Open the run in Prefect');
    expect(validateMessage({ blocks: message.blocks })).toEqual([]);
  });

  it('renders a structured answer with the log lines', () => {
    const result = answerFromResult('what failed?', {
      request,
      logs: [{ timestamp: '2025-01-15T09:38:00Z', level: 40, message: 'KeyError: region' }],
      artifacts: [],
    });
    const reply: Reply = {
      kind: 'result_answer',
      requestId: request.id,
      processId: request.processId,
      text: result.headline,
      answer: { via: 'local', result },
    };
    const message = replyMessage(reply, NOW);
    expect(message.text).toContain('reset-vpn failed.');
    expect(JSON.stringify(message.blocks)).toContain('KeyError: region');
    expect(validateMessage({ blocks: message.blocks })).toEqual([]);
  });
});
