/**
 * Answering a paused run from Slack, end to end over the real runtime (`buildRuntime` +
 * `startSlackBot`): a run pauses for input on the fake Prefect (`pause_flow_run(wait_for_input=…)`
 * shapes) → the prompt in the thread → "Provide input" opens a modal generated from the input
 * schema → a submit is validated (errors in the modal, nothing resumed) → `POST /flow_runs/{id}/resume`
 * with `run_input` → ACCEPT resumes the run and the thread says so; ABORT when it stopped waiting.
 */
import { ACTION, CALLBACK } from '../../../../src/adapters/slack/action-ids';
import type { Runtime } from '../../../../src/app/build-runtime';
import { FakePrefectServer } from '../../../fakes/fake-prefect-server';
import { FakeSlackServer, type RecordedCall } from '../../../fakes/fake-slack-server';
import {
  addSlackFixtureDeployments,
  type FlowdeskInstance,
  SLACK_FIXTURE_MAPS,
  startFlowdeskInstance,
} from '../../../helpers/flowdesk-instance';
import { askForCard, buttonValue } from '../../../helpers/slack-cards';
import {
  blockActionPayload,
  postAction,
  postViewSubmission,
  viewSubmissionPayload,
} from '../../../helpers/slack-requests';
import { deleteTestKeys, uniquePrefix } from '../../store/redis-test-support';

const SECRET = 'run-input-signing-secret-0123456789abcdef';
const ANN = { id: 'U0ANN0001', name: 'ann', real_name: 'Ann Example', email: 'ann@example.com', tz: 'UTC' };
const BOB = { id: 'U0BOB0002', name: 'bob', real_name: 'Bob Other', email: 'bob@example.com', tz: 'UTC' };
const CHANNEL = 'C0SERVICE1';

/** A pydantic RunInput model, as Prefect stores it: an enum under `definitions`. */
const APPROVAL_SCHEMA = {
  title: 'RefreshApproval',
  description: 'Approve the refresh',
  type: 'object',
  properties: {
    approved: { title: 'Approved', type: 'boolean' },
    rows: { title: 'Rows', type: 'integer', minimum: 1 },
    scope: { $ref: '#/definitions/Scope' },
  },
  required: ['approved', 'rows', 'scope'],
  definitions: { Scope: { title: 'Scope', enum: ['full', 'incremental'], type: 'string' } },
};
/** `wait_for_input=int`: Prefect's AutomaticRunInput wraps the value. */
const INT_SCHEMA = {
  title: 'int',
  type: 'object',
  properties: { value: { title: 'Value', type: 'integer' } },
  required: ['value'],
};

const slack = new FakeSlackServer();
const prefect = new FakePrefectServer();
const prefix = uniquePrefix('run-input-slack');
let instance: FlowdeskInstance;
let runtime: Runtime;
let eventsUrl: string;

beforeAll(async () => {
  await slack.start();
  for (const user of [ANN, BOB]) slack.addUser(user);
  await prefect.start();
  addSlackFixtureDeployments(prefect);
  instance = await startFlowdeskInstance({
    slack,
    prefect,
    signingSecret: SECRET,
    prefix,
    processMapsPath: SLACK_FIXTURE_MAPS,
  });
  ({ runtime, eventsUrl } = instance);
});

afterAll(async () => {
  await instance.stop();
  await slack.stop();
  await prefect.stop();
  await deleteTestKeys(prefix);
});

beforeEach(() => slack.reset());

interface Thread {
  requestId: string;
  runId: string;
  threadTs: string;
}

function click(user: string, actionId: string, requestId: string, message: RecordedCall, threadTs: string) {
  return postAction(
    eventsUrl,
    SECRET,
    blockActionPayload({
      user,
      actionId,
      value: requestId,
      channel: CHANNEL,
      messageTs: String(message.response.ts),
      threadTs,
      blocks: message.args.blocks as unknown[],
      responseUrl: slack.responseUrl('run-input'),
    }),
  );
}

/** A mention, Run, and the flow run it started. */
async function startedRun(): Promise<Thread> {
  const card = await askForCard({ slack, eventsUrl, secret: SECRET }, 'refresh dashboard for Q3', {
    user: ANN.id,
    channel: CHANNEL,
  });
  const { requestId, threadTs } = card;
  await click(ANN.id, ACTION.run, requestId, card.call, threadTs);
  const request = await slack.waitFor(async () => {
    const found = await runtime.store.getRequest(requestId);
    return found?.run ? found : undefined;
  });
  return { requestId, runId: request.run!.flowRunId, threadTs };
}

/** Pauses the run for input, lets flowdesk see it, and returns the prompt it posted. */
async function pause(thread: Thread, schema: object, description?: string): Promise<RecordedCall> {
  prefect.setRunState(thread.runId, 'RUNNING');
  prefect.pauseForInput(thread.runId, schema as Record<string, never>, description);
  await runtime.follower.pollOnce();
  const [prompt] = await slack.waitForCalls(
    'chat.postMessage',
    1,
    (c) => c.args.thread_ts === thread.threadTs && buttonValue(c, ACTION.provideInput) === thread.requestId,
  );
  return prompt;
}

interface OpenedModal {
  privateMetadata: string;
  blocks: Array<{ type: string; block_id?: string; label?: { text: string }; text?: { text: string } }>;
}

async function openForm(thread: Thread, prompt: RecordedCall): Promise<OpenedModal> {
  const before = slack.okCallsOf('views.open').length;
  expect((await click(ANN.id, ACTION.provideInput, thread.requestId, prompt, thread.threadTs)).status).toBe(
    200,
  );
  const opened = await slack.waitForCalls('views.open', before + 1);
  const view = opened[before].args.view as {
    callback_id: string;
    private_metadata: string;
    blocks: OpenedModal['blocks'];
  };
  expect(view.callback_id).toBe(CALLBACK.inputModal);
  return { privateMetadata: view.private_metadata, blocks: view.blocks };
}

function submit(modal: OpenedModal, values: Record<string, Record<string, unknown>>, user = ANN.id) {
  return postViewSubmission(
    eventsUrl,
    SECRET,
    viewSubmissionPayload({
      user,
      callbackId: CALLBACK.inputModal,
      privateMetadata: modal.privateMetadata,
      values,
    }),
  );
}

const resumeRequests = (runId: string) => prefect.requestsTo('POST', `/flow_runs/${runId}/resume`);

const approval = (rows: string) => ({
  'param|boolean|approved': { value: { type: 'checkboxes', selected_options: [{ value: 'true' }] } },
  'param|integer|rows': { value: { type: 'number_input', value: rows } },
  'param|enum|scope': { value: { type: 'static_select', selected_option: { value: '"full"' } } },
});

describe('a run paused for input', () => {
  it('form from the schema → invalid values stay in the modal → valid ones resume the run', async () => {
    const thread = await startedRun();
    const prompt = await pause(thread, APPROVAL_SCHEMA, 'Refresh 2 million rows?');
    expect(JSON.stringify(prompt.args.blocks)).toContain('Refresh 2 million rows?');

    const modal = await openForm(thread, prompt);
    const inputs = modal.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual([
      'param|boolean|approved',
      'param|integer|rows',
      'param|enum|scope',
    ]);
    expect(inputs.map((b) => b.label?.text)).toEqual(['Approved', 'Rows', 'Scope']);
    expect(JSON.stringify(modal.blocks)).toContain('Refresh 2 million rows?');
    expect(slack.invalidCalls()).toEqual([]);

    const invalid = await submit(modal, approval('0'));
    const body = JSON.parse(invalid.body) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['param|integer|rows']);
    expect(resumeRequests(thread.runId)).toHaveLength(0);
    expect(prefect.run(thread.runId)?.state_type).toBe('PAUSED');

    const valid = await submit(modal, approval('500'));
    expect(valid.status).toBe(200);
    expect(valid.body).toBe('');
    const [resume] = resumeRequests(thread.runId);
    expect(resume.body).toEqual({ run_input: { approved: true, rows: 500, scope: 'full' } });
    expect(prefect.run(thread.runId)?.state_type).toBe('RUNNING');
    expect(prefect.runInput(thread.runId, 'paused-1-response')).toBe(
      '{"approved":true,"rows":500,"scope":"full"}',
    );

    const [said] = await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === thread.threadTs && String(c.args.text).includes('sent the input'),
    );
    expect(String(said.args.text)).toContain('the run continues');
    await slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === prompt.response.ts && !JSON.stringify(c.args.blocks).includes(ACTION.provideInput),
    );
  });

  it('asks a plain value as "Your answer" and sends it wrapped as {value: T}', async () => {
    const thread = await startedRun();
    const prompt = await pause(thread, INT_SCHEMA, 'How many devices?');
    const modal = await openForm(thread, prompt);
    const [input] = modal.blocks.filter((b) => b.type === 'input');
    expect(input).toMatchObject({ block_id: 'param|integer|value', label: { text: 'Your answer' } });
    await submit(modal, { 'param|integer|value': { value: { type: 'number_input', value: '3' } } });
    expect(resumeRequests(thread.runId).map((r) => r.body)).toEqual([{ run_input: { value: 3 } }]);
  });

  it('tells the person when the run stopped waiting before the answer reached Prefect (ABORT)', async () => {
    const thread = await startedRun();
    const prompt = await pause(thread, INT_SCHEMA);
    const modal = await openForm(thread, prompt);
    // Someone answers in the Prefect UI while flowdesk is reading the form again.
    const schemaPath = `/flow_runs/${thread.runId}/input/paused-1-schema`;
    const readsBefore = prefect.requestsTo('GET', schemaPath).length;
    prefect.delayNext('GET', schemaPath, 300);
    const answering = submit(modal, {
      'param|integer|value': { value: { type: 'number_input', value: '4' } },
    });
    await slack.waitFor(
      () => prefect.requestsTo('GET', schemaPath).length > readsBefore,
      5000,
      'schema read',
    );
    prefect.resume(thread.runId, { value: 9 });
    expect((await answering).body).toBe('');
    expect(resumeRequests(thread.runId)).toHaveLength(1);
    const [said] = await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) =>
        c.args.thread_ts === thread.threadTs && String(c.args.text).includes('no longer waiting for input'),
    );
    expect(String(said.args.text)).toContain('Cannot resume a flow run that is not paused');
    expect(prefect.runInput(thread.runId, 'paused-1-response')).toBe('{"value":9}');
  });

  it('only the requester (or an admin) gets the form', async () => {
    const thread = await startedRun();
    const prompt = await pause(thread, INT_SCHEMA);
    await click(BOB.id, ACTION.provideInput, thread.requestId, prompt, thread.threadTs);
    const [refusal] = await slack.waitForCalls('chat.postEphemeral', 1, (c) => c.args.user === BOB.id);
    expect(String(refusal.args.text)).toContain('Only Ann Example');
    expect(slack.okCallsOf('views.open')).toHaveLength(0);
  });
});
