import { progressText, requestProgressBlock } from '../../../../src/adapters/slack/artifacts/progress-blocks';
import type { RunArtifact } from '../../../../src/core/ports';
import type { RunState } from '../../../../src/core/types';
import { validateBlocks } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

const now = new Date('2025-06-12T10:03:00.000Z');
const running: RunState = { type: 'RUNNING', name: 'Running', timestamp: '2025-06-12T10:00:00.000Z' };

function requestIn(state: RunState) {
  return buildRequest({
    status: 'submitted',
    run: {
      flowRunId: 'fr-1',
      deploymentId: 'd-1',
      url: 'https://prefect.example.com/runs/flow-run/fr-1',
      state,
      startedAt: '2025-06-12T10:00:00.000Z',
    },
  });
}

const artifacts: RunArtifact[] = [
  { id: 'p', key: 'load', type: 'progress', data: 60, description: 'Loading <orders> & items' },
];

describe('progress blocks', () => {
  it('shows the bar, elapsed time, linear estimate and the escaped description', () => {
    const text = progressText({
      progress: { percent: 60, artifactId: 'p', description: 'Loading <orders> & items' },
      startedAt: running.timestamp,
      now,
    });
    expect(text).toBe(
      '▓▓▓▓▓▓░░░░ 60% · 3m 00s elapsed · about 2m 00s left — Loading &lt;orders&gt; &amp; items',
    );
  });

  it('gives a valid context block for a RUNNING request with a progress artifact', () => {
    const block = requestProgressBlock(requestIn(running), { artifacts }, now);
    expect(block?.type).toBe('context');
    expect(validateBlocks([block], 50)).toEqual([]);
    expect(JSON.stringify(block)).toContain('60%');
  });

  it('gives nothing when the run is not running or has no progress', () => {
    const completed: RunState = { ...running, type: 'COMPLETED', name: 'Completed' };
    expect(requestProgressBlock(requestIn(completed), { artifacts }, now)).toBeUndefined();
    expect(requestProgressBlock(requestIn(running), { artifacts: [] }, now)).toBeUndefined();
    expect(requestProgressBlock(buildRequest(), { artifacts }, now)).toBeUndefined();
  });

  it('uses a progress already read (the gate) when given', () => {
    const block = requestProgressBlock(
      requestIn(running),
      { progress: { percent: 25, artifactId: 'x' } },
      now,
    );
    expect(JSON.stringify(block)).toContain('▓▓▓░░░░░░░ 25%');
  });
});
