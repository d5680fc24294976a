import { answerBlocks, modelAnswerBlocks } from '../../../../src/adapters/slack/artifacts/answer-blocks';
import type { RunArtifact, RunLogLine } from '../../../../src/core/ports';
import { answerFromResult } from '../../../../src/core/results/result-answer';
import type { ProcessDef, RunState } from '../../../../src/core/types';
import { validateBlocks } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

const RUN_URL = 'https://prefect.example.com/runs/flow-run/fr-1';
const failed: RunState = { type: 'FAILED', name: 'Failed', timestamp: 't', message: 'KeyError: <region>' };
const request = buildRequest({
  processId: 'refresh-dashboard',
  status: 'finished',
  run: { flowRunId: 'fr-1', deploymentId: 'd', url: RUN_URL, state: failed },
});
const process = { id: 'refresh-dashboard', title: 'Refresh a dashboard' } as unknown as ProcessDef;
const logs: RunLogLine[] = Array.from({ length: 200 }, (_, i) => ({
  timestamp: 't',
  level: 40,
  message: `Traceback line ${i} ${'```'} ${'z'.repeat(100)}`,
}));
const artifacts: RunArtifact[] = [
  { id: 't', key: 'orders', type: 'table', data: JSON.stringify([{ a: 1 }]) },
];

const texts = (blocks: unknown[]) => JSON.stringify(blocks);

describe('answerBlocks', () => {
  it('renders a failure answer: headline, state message, newest log lines within one section', () => {
    const answer = answerFromResult('what failed?', { request, process, logs, artifacts });
    const message = answerBlocks(answer, { runUrl: RUN_URL });
    expect(validateBlocks(message.blocks, 50)).toEqual([]);
    const all = texts(message.blocks);
    expect(all).toContain('*Refresh a dashboard failed.*');
    expect(all).toContain('KeyError: &lt;region&gt;');
    expect(all).toContain('Traceback line 199');
    expect(all).not.toContain('Traceback line 0 ');
    expect(message.text).toBe('Refresh a dashboard failed.');
    expect(all).toContain(`<${RUN_URL}|Open the run in Prefect>`);
  });

  it('renders the tables again for a table question', () => {
    const answer = answerFromResult('show me the table again', { request, process, logs: [], artifacts });
    const message = answerBlocks(answer, { runUrl: RUN_URL });
    expect(validateBlocks(message.blocks, 50)).toEqual([]);
    expect(texts(message.blocks)).toContain('*orders*\\n```\\na\\n─\\n1\\n```');
  });

  it('lists the artifacts for a summary', () => {
    const answer = answerFromResult('summarise it', { request, process, logs: [], artifacts });
    expect(texts(answerBlocks(answer).blocks)).toContain('• *orders* (table): 1 rows');
  });
});

describe('modelAnswerBlocks', () => {
  it('converts the model Markdown and escapes what it echoes from the run data', () => {
    const message = modelAnswerBlocks(
      'The run **failed** because of `KeyError`. <!channel> [logs](https://x.example.com/l)',
      {
        runUrl: RUN_URL,
      },
    );
    expect(validateBlocks(message.blocks, 50)).toEqual([]);
    const all = texts(message.blocks);
    expect(all).toContain(
      'The run *failed* because of `KeyError`. &lt;!channel&gt; <https://x.example.com/l|logs>',
    );
  });

  it('splits a long answer into sections within the message limits', () => {
    const message = modelAnswerBlocks('word '.repeat(60_000), { runUrl: RUN_URL });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(validateBlocks(message.blocks, 50)).toEqual([]);
  });
});
