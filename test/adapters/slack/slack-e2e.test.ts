/**
 * End to end with the real runtime (`buildRuntime` + `startSlackBot`, as `flowdesk start` wires
 * them): real engine, local router, real Redis, the fake Prefect server and the fake Slack Web API,
 * signed requests over HTTP. Mention → card → Run → one flow run → status edited through the
 * states → result reply; DMs; Edit; Cancel; approvals; 20 concurrent clicks; a restart.
 */
import { ACTION, CALLBACK } from '../../../src/adapters/slack/action-ids';
import type { RequestRecord } from '../../../src/core/types';
import { FakePrefectServer } from '../../fakes/fake-prefect-server';
import { FakeSlackServer, type RecordedCall } from '../../fakes/fake-slack-server';
import {
  addSlackFixtureDeployments,
  type FlowdeskInstance,
  SLACK_FIXTURE_MAPS,
  startFlowdeskInstance,
} from '../../helpers/flowdesk-instance';
import { askForCard, buttonValue, type Card, type CardTarget, clickCard } from '../../helpers/slack-cards';
import {
  blockActionPayload,
  postAction,
  postViewSubmission,
  viewSubmissionPayload,
} from '../../helpers/slack-requests';
import { deleteTestKeys, uniquePrefix } from '../store/redis-test-support';

const SECRET = 'e2e-signing-secret-0123456789abcdef';
const ANN = {
  id: 'U0ANN0001',
  name: 'ann',
  real_name: 'Ann Example',
  email: 'ann@example.com',
  tz: 'Europe/Paris',
};
const BOB = { id: 'U0BOB0002', name: 'bob', real_name: 'Bob Other', email: 'bob@example.com', tz: 'UTC' };
const LEAD = { id: 'U0LEAD0001', name: 'lea', real_name: 'Lea Lead', email: 'lea@example.com', tz: 'UTC' };
const CHANNEL = 'C0SERVICE1';

const slack = new FakeSlackServer();
const prefect = new FakePrefectServer();
const prefix = uniquePrefix('slack-e2e');
let instances: FlowdeskInstance[] = [];
let current: FlowdeskInstance;

async function startInstance() {
  const instance = await startFlowdeskInstance({
    slack,
    prefect,
    signingSecret: SECRET,
    prefix,
    processMapsPath: SLACK_FIXTURE_MAPS,
    env: { FLOWDESK_ADMINS: 'U0ADM0003' },
  });
  instances.push(instance);
  return instance;
}

async function stopInstance(instance: FlowdeskInstance) {
  await instance.stop();
  instances = instances.filter((i) => i !== instance);
}

beforeAll(async () => {
  await slack.start();
  for (const user of [ANN, BOB, LEAD]) slack.addUser(user);
  await prefect.start();
  addSlackFixtureDeployments(prefect);
  current = await startInstance();
});

afterAll(async () => {
  for (const instance of [...instances]) await stopInstance(instance);
  await slack.stop();
  await prefect.stop();
  await deleteTestKeys(prefix);
});

beforeEach(() => {
  slack.reset();
});

const target = (): CardTarget => ({ slack, eventsUrl: current.eventsUrl, secret: SECRET });

function ask(text: string, options: { user?: string; dm?: boolean } = {}): Promise<Card> {
  return askForCard(target(), text, {
    user: options.user ?? ANN.id,
    channel: CHANNEL,
    dm: options.dm === true,
  });
}

function click(card: Card, user: string, actionId: string) {
  return clickCard(target(), card, user, actionId);
}

async function request(id: string): Promise<RequestRecord> {
  const found = await current.runtime.store.getRequest(id);
  if (!found) throw new Error(`no request ${id}`);
  return found;
}

const createFlowRunCalls = () => prefect.requestsTo('POST', /\/deployments\/[^/]+\/create_flow_run$/);
const okRuns = () => createFlowRunCalls().filter((r) => r.status === 200 || r.status === 201);

describe('a request from a mention to its result', () => {
  it('runs once and keeps the thread updated until the result', async () => {
    const before = prefect.runs().length;
    const card = await ask('refresh dashboard for Q3');
    expect(JSON.stringify(card.call.args.blocks)).toContain('Refresh sales dashboard');
    expect(JSON.stringify(card.call.args.blocks)).toContain('Q3');

    expect((await click(card, ANN.id, ACTION.run)).status).toBe(200);
    const [status] = await slack.waitForCalls('chat.postMessage', 1, (c) =>
      JSON.stringify(c.args.blocks).includes('Open in Prefect'),
    );
    expect(status.args.thread_ts).toBe(card.threadTs);
    expect(prefect.runs().length).toBe(before + 1);
    const stored = await request(card.requestId);
    const runId = stored.run?.flowRunId as string;
    expect(prefect.run(runId)?.parameters).toMatchObject({ quarter: 'Q3' });
    expect(prefect.run(runId)?.tags).toEqual(expect.arrayContaining(['flowdesk', `requested-by:${ANN.id}`]));

    prefect.setRunState(runId, 'RUNNING', 'Running');
    await current.runtime.follower.pollOnce();
    const [running] = await slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === status.response.ts && JSON.stringify(c.args.blocks).includes('Running'),
    );
    expect(running.args.channel).toBe(CHANNEL);

    prefect.addLogs(runId, [{ message: 'all good', level: 20 }]);
    prefect.setRunState(runId, 'COMPLETED', 'Completed');
    await current.runtime.follower.pollOnce();
    const [result] = await slack.waitForCalls('chat.postMessage', 1, (c) =>
      String(c.args.text).includes('completed'),
    );
    expect(result.args.thread_ts).toBe(card.threadTs);
    expect(JSON.stringify(result.args.blocks)).toContain(`<@${ANN.id}>`);
    await slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === status.response.ts && JSON.stringify(c.args.blocks).includes('Completed'),
    );
    expect(
      slack
        .okCallsOf('chat.postMessage')
        .filter(
          (c) =>
            JSON.stringify(c.args.blocks).includes('Open in Prefect') && c.args.thread_ts === card.threadTs,
        ),
    ).toHaveLength(1);
    expect(slack.invalidCalls()).toEqual([]);
  });

  it('answers a DM in its thread with a card', async () => {
    const card = await ask('refresh dashboard for Q1', { dm: true });
    expect(card.call.args.channel).toBe('D0ANN0001');
    expect((await request(card.requestId)).thread).toEqual({
      channel: 'D0ANN0001',
      threadTs: card.threadTs,
      isDm: true,
    });
  });
});

describe('cards', () => {
  it('Edit: invalid values are shown in the modal and nothing runs; valid ones update the card', async () => {
    const runsBefore = createFlowRunCalls().length;
    const card = await ask('refresh dashboard for Q2');
    await click(card, ANN.id, ACTION.edit);
    const [open] = await slack.waitForCalls('views.open');
    const view = open.args.view as {
      private_metadata: string;
      blocks: Array<{ type: string; block_id?: string }>;
    };
    const ids = view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
    expect(ids).toEqual(['param|enum|quarter', 'param|integer|rows']);

    const submit = (rows: string) =>
      postViewSubmission(
        current.eventsUrl,
        SECRET,
        viewSubmissionPayload({
          user: ANN.id,
          callbackId: CALLBACK.editModal,
          privateMetadata: view.private_metadata,
          values: {
            'param|enum|quarter': { value: { type: 'static_select', selected_option: { value: '"Q4"' } } },
            'param|integer|rows': { value: { type: 'number_input', value: rows } },
          },
        }),
      );
    const invalid = await submit('0');
    const body = JSON.parse(invalid.body);
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['param|integer|rows']);
    expect((await request(card.requestId)).parameters.quarter).toBe('Q2');

    const valid = await submit('250');
    expect(valid.body).toBe('');
    const [update] = await slack.waitForCalls('chat.update', 1, (c) => c.args.ts === card.call.response.ts);
    expect(JSON.stringify(update.args.blocks)).toContain('Q4');
    expect((await request(card.requestId)).parameters).toMatchObject({ quarter: 'Q4', rows: 250 });
    expect(createFlowRunCalls().length).toBe(runsBefore);
  });

  it('Cancel closes the request and settles the card without a run', async () => {
    const runsBefore = createFlowRunCalls().length;
    const card = await ask('refresh dashboard for Q1');
    await click(card, ANN.id, ACTION.cancel);
    await slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === card.call.response.ts && !JSON.stringify(c.args.blocks).includes(ACTION.run),
    );
    expect((await request(card.requestId)).status).toBe('closed');
    expect(createFlowRunCalls().length).toBe(runsBefore);
  });

  it('refuses another user privately', async () => {
    const card = await ask('refresh dashboard for Q1');
    await click(card, BOB.id, ACTION.run);
    const [ephemeral] = await slack.waitForCalls('chat.postEphemeral');
    expect(ephemeral.args.user).toBe(BOB.id);
    expect((await request(card.requestId)).status).toBe('awaiting_confirmation');
  });

  it('20 concurrent Run clicks start exactly one flow run', async () => {
    const card = await ask('refresh dashboard for Q2');
    const before = okRuns().length;
    const results = await Promise.all(Array.from({ length: 20 }, () => click(card, ANN.id, ACTION.run)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await slack.waitFor(
      async () => (await request(card.requestId)).status === 'submitted',
      5000,
      'submitted',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(okRuns().length - before).toBe(1);
    const runs = prefect.runs().filter((r) => r.idempotency_key === card.requestId);
    expect(runs).toHaveLength(1);
    expect(
      slack
        .okCallsOf('chat.postMessage')
        .filter(
          (c) =>
            c.args.thread_ts === card.threadTs && JSON.stringify(c.args.blocks).includes('Open in Prefect'),
        ),
    ).toHaveLength(1);
  });
});

describe('approvals', () => {
  it('asks the approver in the thread and by DM; the approval starts the run', async () => {
    const card = await ask('restart payments in staging');
    await click(card, ANN.id, ACTION.run);
    const cards = await slack.waitForCalls(
      'chat.postMessage',
      2,
      (c) => buttonValue(c, ACTION.approve) === card.requestId,
    );
    expect(cards.map((c) => c.args.channel).sort()).toEqual([CHANNEL, LEAD.id].sort());
    expect((await request(card.requestId)).status).toBe('awaiting_approval');
    const before = okRuns().length;

    const dmCard = cards.find((c) => c.args.channel === LEAD.id) as RecordedCall;
    await postAction(
      current.eventsUrl,
      SECRET,
      blockActionPayload({
        user: LEAD.id,
        actionId: ACTION.approve,
        value: card.requestId,
        channel: String(dmCard.response.channel),
        messageTs: String(dmCard.response.ts),
        blocks: dmCard.args.blocks as unknown[],
        responseUrl: slack.responseUrl('approve'),
      }),
    );
    await slack.waitFor(
      async () => (await request(card.requestId)).status === 'submitted',
      5000,
      'submitted after approval',
    );
    expect(okRuns().length - before).toBe(1);
    const updates = await slack.waitForCalls('chat.update', 2, (c) =>
      JSON.stringify(c.args.blocks).includes(`Approved by <@${LEAD.id}>`),
    );
    expect(updates.map((u) => u.args.channel).sort()).toEqual(
      [CHANNEL, String(dmCard.response.channel)].sort(),
    );
  });
});

describe('a restart', () => {
  it('keeps cards posted before it working', async () => {
    const card = await ask('refresh dashboard for Q4');
    const old = current;
    await stopInstance(old);
    current = await startInstance();
    expect(current.eventsUrl).not.toBe(old.eventsUrl);
    const before = okRuns().length;
    await click(card, ANN.id, ACTION.run);
    await slack.waitFor(
      async () => (await request(card.requestId)).status === 'submitted',
      5000,
      'submitted after restart',
    );
    expect(okRuns().length - before).toBe(1);
    await slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === card.threadTs && JSON.stringify(c.args.blocks).includes('Open in Prefect'),
    );
  });
});
