/**
 * Card buttons and modals over real HTTP: Run / Edit / Cancel / Reject, refusals for other users,
 * the 3-second ack under a slow engine, and the edit modal's validation errors.
 */
import { ACTION, CALLBACK, REJECT_REASON } from '../../../src/adapters/slack/action-ids';
import type { ActionInput } from '../../../src/core/engine-api';
import type { RequestRecord } from '../../../src/core/types';
import type { RecordedCall } from '../../fakes/fake-slack-server';
import { FAKE_BOT } from '../../fakes/fake-slack-server';
import {
  blockActionPayload,
  mentionEvent,
  newTs,
  postAction,
  postEvent,
  postViewSubmission,
  viewSubmissionPayload,
} from '../../helpers/slack-requests';
import {
  CHANNEL,
  OTHER_USER,
  REQUESTER,
  SIGNING_SECRET,
  type SlackTestEnv,
  startSlackTestEnv,
} from './slack-test-env';

let env: SlackTestEnv;

beforeAll(async () => {
  env = await startSlackTestEnv({ file: 'slack-actions' });
});

afterAll(async () => {
  await env.stop();
});

beforeEach(() => {
  env.slack.reset();
  env.fakeEngine.calls.length = 0;
  env.fakeEngine.delayMs = 0;
});

interface Card {
  requestId: string;
  threadTs: string;
  call: RecordedCall;
}

/** Mentions the bot and returns the confirmation card it posted. */
async function newCard(text = 'refresh q2'): Promise<Card> {
  const threadTs = newTs();
  await postEvent(
    env.eventsUrl,
    SIGNING_SECRET,
    mentionEvent({
      user: REQUESTER.id,
      channel: CHANNEL,
      text: `<@${FAKE_BOT.userId}> ${text}`,
      ts: threadTs,
    }),
  );
  const [call] = await env.slack.waitForCalls('chat.postMessage', 1, (c) => c.args.thread_ts === threadTs);
  const actionsBlock = (
    call.args.blocks as Array<{ type: string; elements?: Array<{ value?: string }> }>
  ).find((b) => b.type === 'actions');
  const requestId = actionsBlock?.elements?.[0]?.value ?? '';
  await env.slack.waitFor(
    async () => (await env.store.getRequest(requestId))?.messages.card,
    2000,
    'card ref',
  );
  return { requestId, threadTs, call };
}

function click(card: Card, user: string, actionId: string) {
  return postAction(
    env.eventsUrl,
    SIGNING_SECRET,
    blockActionPayload({
      user,
      actionId,
      value: card.requestId,
      channel: CHANNEL,
      messageTs: String(card.call.response.ts),
      threadTs: card.threadTs,
      blocks: card.call.args.blocks as unknown[],
      responseUrl: env.slack.responseUrl('action'),
    }),
  );
}

async function storedRequest(id: string): Promise<RequestRecord> {
  const request = await env.store.getRequest(id);
  if (!request) throw new Error(`request ${id} not stored`);
  return request;
}

describe('Run', () => {
  it('starts the request, posts the status card in the thread and settles the card', async () => {
    const card = await newCard();
    const result = await click(card, REQUESTER.id, ACTION.run);
    expect(result.status).toBe(200);
    const [status] = await env.slack.waitForCalls('chat.postMessage', 1, (c) =>
      JSON.stringify(c.args.blocks).includes('Open in Prefect'),
    );
    expect(status.args).toMatchObject({ channel: CHANNEL, thread_ts: card.threadTs });
    const [settled] = await env.slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === card.call.response.ts,
    );
    const blocks = settled.args.blocks as Array<{ type: string }>;
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(blocks)).toContain(`Confirmed by <@${REQUESTER.id}>`);
    const stored = await storedRequest(card.requestId);
    expect(stored.status).toBe('submitted');
    await env.slack.waitFor(async () => (await env.store.getRequest(card.requestId))?.messages.status, 2000);
    expect(env.slack.invalidCalls()).toEqual([]);
  });

  it("refuses another user's click privately and changes nothing", async () => {
    const card = await newCard();
    const result = await click(card, OTHER_USER.id, ACTION.run);
    expect(result.status).toBe(200);
    const [ephemeral] = await env.slack.waitForCalls('chat.postEphemeral');
    expect(ephemeral.args).toMatchObject({ channel: CHANNEL, user: OTHER_USER.id, thread_ts: card.threadTs });
    expect(ephemeral.args.text).toContain(`Only <@${REQUESTER.id}> can do that.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.slack.callsOf('chat.update')).toHaveLength(0);
    expect((await storedRequest(card.requestId)).status).toBe('awaiting_confirmation');
  });

  it('acks within 3 seconds even when the engine takes 5', async () => {
    const card = await newCard();
    env.fakeEngine.delayMs = 5000;
    const result = await click(card, REQUESTER.id, ACTION.run);
    expect(result.status).toBe(200);
    expect(result.ms).toBeLessThan(1000);
    await env.slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => JSON.stringify(c.args.blocks).includes('Open in Prefect'),
      8000,
    );
  }, 15_000);

  it('rejects a forged click with 401 and does not run', async () => {
    const card = await newCard();
    const payload = blockActionPayload({
      user: REQUESTER.id,
      actionId: ACTION.run,
      value: card.requestId,
      channel: CHANNEL,
      messageTs: String(card.call.response.ts),
      responseUrl: env.slack.responseUrl('x'),
    });
    const result = await postAction(env.eventsUrl, 'wrong-secret', payload);
    expect(result.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.fakeEngine.callsOf('confirm')).toHaveLength(0);
  });
});

describe('Cancel', () => {
  it('closes the request and settles the card', async () => {
    const card = await newCard();
    await click(card, REQUESTER.id, ACTION.cancel);
    const [settled] = await env.slack.waitForCalls('chat.update');
    expect(JSON.stringify(settled.args.blocks)).toContain(`Cancelled by <@${REQUESTER.id}>`);
    expect((await storedRequest(card.requestId)).status).toBe('closed');
    const [reply] = await env.slack.waitForCalls('chat.postMessage', 1, (c) => c.args.text === 'Cancelled.');
    expect(reply.args.thread_ts).toBe(card.threadTs);
  });
});

describe('Edit', () => {
  async function openEditModal(card: Card) {
    await click(card, REQUESTER.id, ACTION.edit);
    const [open] = await env.slack.waitForCalls('views.open');
    return open.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id?: string; type: string }>;
    };
  }

  it('opens a modal generated from the schema', async () => {
    const card = await newCard();
    const view = await openEditModal(card);
    expect(view.callback_id).toBe(CALLBACK.editModal);
    expect(view.private_metadata).toBe(card.requestId);
    const ids = view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
    expect(ids).toEqual(['param|enum|quarter', 'param|boolean|full_rebuild', 'param|integer|rows']);
  });

  it('shows invalid values in the modal and changes nothing', async () => {
    const card = await newCard();
    const before = await storedRequest(card.requestId);
    const result = await postViewSubmission(
      env.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: REQUESTER.id,
        callbackId: CALLBACK.editModal,
        privateMetadata: card.requestId,
        values: {
          'param|enum|quarter': { value: { type: 'static_select', selected_option: { value: '"Q1"' } } },
          'param|integer|rows': { value: { type: 'number_input', value: '0' } },
        },
      }),
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      response_action: 'errors',
      errors: { 'param|integer|rows': 'Must be at least 1.' },
    });
    expect((await storedRequest(card.requestId)).version).toBe(before.version);
  });

  it('rejects a value that is not a number before asking the engine', async () => {
    const card = await newCard();
    const result = await postViewSubmission(
      env.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: REQUESTER.id,
        callbackId: CALLBACK.editModal,
        privateMetadata: card.requestId,
        values: { 'param|integer|rows': { value: { type: 'number_input', value: '1.5' } } },
      }),
    );
    expect(JSON.parse(result.body).errors).toEqual({ 'param|integer|rows': 'Enter a whole number.' });
    expect(env.fakeEngine.callsOf('submitEdit')).toHaveLength(0);
  });

  it('saves valid values and updates the card in place', async () => {
    const card = await newCard();
    const result = await postViewSubmission(
      env.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: REQUESTER.id,
        callbackId: CALLBACK.editModal,
        privateMetadata: card.requestId,
        values: {
          'param|enum|quarter': { value: { type: 'static_select', selected_option: { value: '"Q4"' } } },
          'param|boolean|full_rebuild': {
            value: { type: 'checkboxes', selected_options: [{ value: 'true' }] },
          },
          'param|integer|rows': { value: { type: 'number_input', value: '250' } },
        },
      }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toBe('');
    const [update] = await env.slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === card.call.response.ts,
    );
    expect(JSON.stringify(update.args.blocks)).toContain('Q4');
    expect((await storedRequest(card.requestId)).parameters).toEqual({
      quarter: 'Q4',
      full_rebuild: true,
      rows: 250,
    });
    expect(
      env.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === card.threadTs),
    ).toHaveLength(1);
  });

  it('closes the modal in time when the engine is slow, then updates the card', async () => {
    const card = await newCard();
    env.fakeEngine.delayMs = 4000;
    const result = await postViewSubmission(
      env.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: REQUESTER.id,
        callbackId: CALLBACK.editModal,
        privateMetadata: card.requestId,
        values: {
          'param|enum|quarter': { value: { type: 'static_select', selected_option: { value: '"Q1"' } } },
        },
      }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toBe('');
    expect(result.ms).toBeLessThan(3000);
    const [update] = await env.slack.waitForCalls(
      'chat.update',
      1,
      (c) => c.args.ts === card.call.response.ts,
      6000,
    );
    expect(JSON.stringify(update.args.blocks)).toContain('Q1');
  }, 15_000);

  it("does not open another user's card", async () => {
    const card = await newCard();
    await click(card, OTHER_USER.id, ACTION.edit);
    const [ephemeral] = await env.slack.waitForCalls('chat.postEphemeral');
    expect(ephemeral.args.user).toBe(OTHER_USER.id);
    expect(env.slack.callsOf('views.open')).toHaveLength(0);
  });
});

describe('Reject with a reason', () => {
  it('opens the reason modal and passes the reason to the engine', async () => {
    const card = await newCard();
    await click(card, REQUESTER.id, ACTION.reject);
    const [open] = await env.slack.waitForCalls('views.open');
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CALLBACK.rejectModal);
    const result = await postViewSubmission(
      env.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: 'U0LEAD0001',
        callbackId: CALLBACK.rejectModal,
        privateMetadata: view.private_metadata,
        values: {
          [REJECT_REASON.blockId]: {
            [REJECT_REASON.actionId]: { type: 'plain_text_input', value: ' not this week ' },
          },
        },
      }),
    );
    expect(result.status).toBe(200);
    await env.slack.waitFor(() => env.fakeEngine.callsOf('reject').length > 0);
    const input = env.fakeEngine.callsOf('reject')[0] as ActionInput & { reason?: string };
    expect(input.reason).toBe('not this week');
    expect(input.requestId).toBe(card.requestId);
    // The approver's confirmation is shown to them where they clicked (the notifier tells the requester).
    const [reply] = await env.slack.waitForCalls('chat.postEphemeral', 1, (c) =>
      String(c.args.text).startsWith('Rejected'),
    );
    expect(reply.args).toMatchObject({ user: 'U0LEAD0001', channel: CHANNEL, thread_ts: card.threadTs });
  });

  it('shows a refusal only to a non-approver', async () => {
    const card = await newCard();
    await click(card, REQUESTER.id, ACTION.reject);
    const [open] = await env.slack.waitForCalls('views.open');
    const view = open.args.view as { private_metadata: string };
    await postViewSubmission(
      env.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: 'U0NOTLEAD',
        callbackId: CALLBACK.rejectModal,
        privateMetadata: view.private_metadata,
        values: {},
      }),
    );
    const [ephemeral] = await env.slack.waitForCalls('chat.postEphemeral');
    expect(ephemeral.args).toMatchObject({ user: 'U0NOTLEAD', channel: CHANNEL });
    expect(ephemeral.args.text).toContain('Only approvers can reject.');
  });
});

describe('other buttons', () => {
  it('acks link buttons and says the input form is not wired yet', async () => {
    const card = await newCard();
    const link = await click(card, REQUESTER.id, ACTION.openLink);
    expect(link.status).toBe(200);
    const input = await click(card, REQUESTER.id, ACTION.provideInput);
    expect(input.status).toBe(200);
    const [ephemeral] = await env.slack.waitForCalls('chat.postEphemeral');
    expect(ephemeral.args.text).toContain('not available yet');
  });
});
