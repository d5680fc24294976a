/**
 * Approvals end to end over the real Bolt app (signed requests, fake Slack Web API, fake Prefect,
 * real Redis): the approval card in the thread and by DM; self-approval refused (and allowed where
 * the map says so); non-approvers refused; one approver → exactly one run with the approved
 * parameters, requester and approver on the Prefect run and in the audit trail; 20 concurrent
 * approvals → one run; min_approvals 2 needs two distinct approvers; an edit voids approvals;
 * reject with a reason; expiry settles every card; two app instances on one Redis → one run;
 * `/flowdesk approvals` and `/flowdesk runs` show what waits.
 */
import { ACTION } from '../../src/adapters/slack/action-ids';
import {
  ADA,
  ANN,
  APPROVERS,
  BOB,
  buttonsOf,
  buttonValue,
  type Card,
  CHANNEL,
  LEA,
  LEO,
  LIA,
  SlackWorld,
  settle,
  textOf,
} from './slack-world';

let world: SlackWorld;

beforeAll(async () => {
  world = await SlackWorld.start({ file: 'approvals-e2e' });
});

afterAll(async () => {
  await world.stop();
});

beforeEach(() => {
  world.slack.reset();
});

/** ANN asks for a deploy (approvers: LEA + the leads group, which ANN is in) and presses Run. */
async function deployAwaitingApproval(version = '1.2.3'): Promise<{ card: Card; approvals: Card[] }> {
  const card = await world.askForCard(`deploy payments version ${version}`);
  // Thread card + DMs to LEA, LEO and LIA (not to ANN, the requester).
  const approvals = await world.runAndAwaitApprovalCards(card, 4);
  return { card, approvals };
}

function dmCard(cards: Card[], userId: string): Card {
  const found = cards.find((c) => c.call.args.channel === userId);
  if (!found) throw new Error(`no approval DM to ${userId}`);
  return found;
}

function threadCard(cards: Card[]): Card {
  const found = cards.find((c) => c.call.args.channel === CHANNEL);
  if (!found) throw new Error('no approval card in the thread');
  return found;
}

describe('the approval card', () => {
  it('moves the request to awaiting_approval and asks every approver but the requester, in the thread and by DM', async () => {
    const { card, approvals } = await deployAwaitingApproval();
    expect((await world.request(card.requestId)).status).toBe('awaiting_approval');
    expect(approvals.map((c) => String(c.call.args.channel)).sort()).toEqual(
      [CHANNEL, LEA.id, LEO.id, LIA.id].sort(),
    );
    expect(threadCard(approvals).call.args.thread_ts).toBe(card.threadTs);
    for (const approval of approvals) {
      const text = textOf(approval.call);
      expect(text).toContain('Deploy an application');
      expect(text).toContain('payments');
      expect(text).toContain('1.2.3');
      expect(text).toContain(`<@${ANN.id}>`);
      expect(text).toMatch(/Expires <!date\^\d+\^/);
      const buttons = buttonsOf(approval.call);
      expect(buttons.map((b) => b.action_id)).toEqual([ACTION.approve, ACTION.reject]);
      expect(buttons.every((b) => b.confirm !== undefined)).toBe(true);
    }
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
    expect(world.slack.invalidCalls()).toEqual([]);
  });
});

describe('who may approve', () => {
  it("refuses the requester's own approval (self_approval: false), even though she is in the approvers group", async () => {
    const { card, approvals } = await deployAwaitingApproval();
    const from = world.slack.calls.length;
    await world.click(threadCard(approvals), ANN.id, ACTION.approve);
    const refusal = await world.slack.waitFor(
      () => world.ephemeralsTo(ANN.id, from).find((c) => textOf(c).includes('own request')),
      5000,
      'self-approval refusal',
    );
    expect(refusal.args.channel).toBe(CHANNEL);
    await settle();
    const stored = await world.request(card.requestId);
    expect(stored.status).toBe('awaiting_approval');
    expect(stored.approvals).toEqual([]);
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  });

  it('refuses a user who is not an approver', async () => {
    const { card, approvals } = await deployAwaitingApproval();
    const from = world.slack.calls.length;
    await world.click(threadCard(approvals), BOB.id, ACTION.approve);
    await world.slack.waitFor(
      () => world.ephemeralsTo(BOB.id, from).find((c) => textOf(c).includes('Only the approvers')),
      5000,
      'non-approver refusal',
    );
    // The reject path checks the same list.
    await world.click(threadCard(approvals), BOB.id, ACTION.reject);
    await settle();
    expect((await world.request(card.requestId)).status).toBe('awaiting_approval');
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  });

  it('lets the requester approve her own request where the map allows it (self_approval: true)', async () => {
    const card = await world.askForCard('rotate keys for search');
    const approvals = await world.runAndAwaitApprovalCards(card, 3); // thread, ANN and LEA by DM
    expect(approvals.map((c) => String(c.call.args.channel)).sort()).toEqual(
      [CHANNEL, ANN.id, LEA.id].sort(),
    );
    await world.click(threadCard(approvals), ANN.id, ACTION.approve);
    const done = await world.waitForStatus(card.requestId, 'submitted');
    expect(done.approvals.map((a) => a.userId)).toEqual([ANN.id]);
    expect(world.runsFor(card.requestId)).toHaveLength(1);
  });
});

describe('an approval', () => {
  it('starts exactly one run with the approved parameters; Prefect and the audit trail say who asked and who approved', async () => {
    const { card, approvals } = await deployAwaitingApproval('2.0.0');
    await world.click(dmCard(approvals, LEA.id), LEA.id, ACTION.approve);
    const done = await world.waitForStatus(card.requestId, 'submitted');
    await settle();

    const runs = world.runsFor(card.requestId);
    expect(runs).toHaveLength(1);
    expect(runs[0].parameters).toEqual({ app: 'payments', version: '2.0.0' });
    expect(runs[0].tags).toEqual(
      expect.arrayContaining(['flowdesk', 'deploy', `requested-by:${ANN.id}`, `approved-by:${LEA.id}`]),
    );
    expect(runs[0].name).toContain(ANN.real_name);
    expect(runs[0].name).toContain(LEA.real_name);
    expect(done.run?.flowRunId).toBe(runs[0].id);

    const trail = world.audit(card.requestId).map((r) => [r.action, r.actor]);
    expect(trail).toEqual([
      ['requested', ANN.id],
      ['confirmed', ANN.id],
      ['approved', LEA.id],
      ['started', LEA.id],
    ]);
    const started = world.audit(card.requestId).find((r) => r.action === 'started');
    expect(started?.details).toMatchObject({ flowRunId: runs[0].id, approvedBy: [LEA.id] });

    // Every copy of the card (thread and DMs) loses its buttons and says who approved.
    const settled = await world.cardsUpdated(approvals, (c) =>
      textOf(c).includes(`Approved by <@${LEA.id}>`),
    );
    expect(settled.every((c) => buttonValue(c, ACTION.approve) === undefined)).toBe(true);

    // The end of the run closes the trail.
    world.prefect.setRunState(runs[0].id, 'COMPLETED', 'Completed');
    await world.runtime.follower.pollOnce();
    expect(world.audit(card.requestId).at(-1)).toMatchObject({
      action: 'finished',
      details: { flowRunId: runs[0].id, state: 'COMPLETED' },
    });
  });

  it('the requester may cancel while it waits for approval: nothing runs and every card says so', async () => {
    const { card, approvals } = await deployAwaitingApproval('2.5.0');
    await world.click(card, ANN.id, ACTION.cancel);
    const stored = await world.waitForStatus(card.requestId, 'closed');
    expect(stored).toMatchObject({ closedReason: 'cancelled', cancelledBy: ANN.id });
    await world.cardsUpdated(
      approvals,
      (c) => textOf(c).includes(`Cancelled by <@${ANN.id}>`) && buttonValue(c, ACTION.approve) === undefined,
    );
    expect(world.audit(card.requestId).at(-1)).toMatchObject({ action: 'cancelled', actor: ANN.id });
    await world.click(dmCard(approvals, LEA.id), LEA.id, ACTION.approve);
    await settle();
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  });

  it('20 concurrent approvals from 20 approvers (min_approvals 1) start one run', async () => {
    const card = await world.askForCard('flush queue orders');
    const approvals = await world.runAndAwaitApprovalCards(card, 21);
    const results = await Promise.all(
      APPROVERS.map((approver) => world.click(dmCard(approvals, approver.id), approver.id, ACTION.approve)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const done = await world.waitForStatus(card.requestId, 'submitted');
    await settle(500);
    expect(world.runsFor(card.requestId)).toHaveLength(1);
    expect(world.createRunCalls(card.requestId)).toHaveLength(1);
    expect(done.approvals).toHaveLength(1);
    expect(world.audit(card.requestId).filter((r) => r.action === 'approved')).toHaveLength(1);
    expect(world.audit(card.requestId).filter((r) => r.action === 'started')).toHaveLength(1);
  });

  it('min_approvals 2 needs two distinct approvers', async () => {
    const card = await world.askForCard('drop replica db-3');
    const approvals = await world.runAndAwaitApprovalCards(card, 3); // thread, LEO, LIA (ANN asked)
    await world.click(dmCard(approvals, LEO.id), LEO.id, ACTION.approve);
    await world.slack.waitFor(
      async () => (await world.request(card.requestId)).approvals.length === 1,
      5000,
      'first approval',
    );
    // Every copy of the card shows the count so far, and keeps its buttons.
    const counted = await world.cardsUpdated(approvals, (c) => textOf(c).includes('Approvals: 1/2'));
    expect(counted.every((c) => buttonValue(c, ACTION.approve) === card.requestId)).toBe(true);
    // The same approver again does not count twice.
    await world.click(threadCard(approvals), LEO.id, ACTION.approve);
    await settle();
    let stored = await world.request(card.requestId);
    expect(stored.status).toBe('awaiting_approval');
    expect(stored.approvals.map((a) => a.userId)).toEqual([LEO.id]);
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);

    await world.click(dmCard(approvals, LIA.id), LIA.id, ACTION.approve);
    stored = await world.waitForStatus(card.requestId, 'submitted');
    expect(stored.approvals.map((a) => a.userId)).toEqual([LEO.id, LIA.id]);
    const [run] = world.runsFor(card.requestId);
    expect(run.tags).toEqual(expect.arrayContaining([`approved-by:${LEO.id}`, `approved-by:${LIA.id}`]));
    expect(world.runsFor(card.requestId)).toHaveLength(1);
  });

  it('an edit after an approval voids it: Run again, and the new parameters need approving again', async () => {
    const card = await world.askForCard('drop replica db-4');
    const approvals = await world.runAndAwaitApprovalCards(card, 3);
    await world.click(dmCard(approvals, LEO.id), LEO.id, ACTION.approve);
    await world.slack.waitFor(
      async () => (await world.request(card.requestId)).approvals.length === 1,
      5000,
      'first approval',
    );

    // ANN edits the parameters from her card.
    const modal = await world.openEditModal(card, ANN.id);
    const submitted = await world.submitEditModal(modal, ANN.id, { type: 'plain_text_input', value: 'db-9' });
    expect(submitted.status).toBe(200);
    let stored = await world.waitForStatus(card.requestId, 'awaiting_confirmation');
    expect(stored.parameters).toEqual({ replica: 'db-9' });
    expect(stored.approvals).toEqual([]);

    // LIA's click on the old card does not start anything: there is nothing to approve until Run.
    await world.click(dmCard(approvals, LIA.id), LIA.id, ACTION.approve);
    await settle();
    expect((await world.request(card.requestId)).status).toBe('awaiting_confirmation');

    // Run again → a new round of approval cards; two approvals are needed again.
    world.slack.reset();
    const second = await world.runAndAwaitApprovalCards(card, 3);
    expect(textOf(threadCard(second).call)).toContain('db-9');
    // A copy of the first card still open on LIA's screen showed db-4: it cannot approve db-9.
    const from = world.slack.calls.length;
    await world.click(dmCard(approvals, LIA.id), LIA.id, ACTION.approve);
    await world.slack.waitFor(
      () => world.ephemeralsTo(LIA.id, from).find((c) => textOf(c).includes('out of date')),
      5000,
      'stale card refusal',
    );
    expect((await world.request(card.requestId)).approvals).toEqual([]);
    await world.click(dmCard(second, LIA.id), LIA.id, ACTION.approve);
    await world.slack.waitFor(
      async () => (await world.request(card.requestId)).approvals.length === 1,
      5000,
      'first approval of the new round',
    );
    expect((await world.request(card.requestId)).status).toBe('awaiting_approval');
    await world.click(dmCard(second, LEO.id), LEO.id, ACTION.approve);
    stored = await world.waitForStatus(card.requestId, 'submitted');
    expect(world.runsFor(card.requestId)).toHaveLength(1);
    expect(world.runsFor(card.requestId)[0].parameters).toEqual({ replica: 'db-9' });
    const edited = world.audit(card.requestId).find((r) => r.action === 'edited');
    expect(edited?.details).toMatchObject({ voidedApprovals: [LEO.id] });
  });
});

describe('reject', () => {
  it('asks for a reason, closes the request and tells the requester', async () => {
    const { card, approvals } = await deployAwaitingApproval('3.0.0');
    await world.reject(dmCard(approvals, LEO.id), LEO.id, 'Not during the freeze');
    const stored = await world.waitForStatus(card.requestId, 'closed');
    expect(stored.closedReason).toBe('rejected');
    expect(stored.rejectedBy).toBe(LEO.id);
    // The requester is told, in her thread, with the reason.
    const told = await world.replyTo(
      card.threadTs,
      (c) => textOf(c).includes(`<@${ANN.id}>`) && textOf(c).includes('Not during the freeze'),
    );
    expect(textOf(told)).toContain('ejected');
    // Every approval card settles with the decision.
    await world.cardsUpdated(approvals, (c) => textOf(c).includes(`Rejected by <@${LEO.id}>`));
    expect(world.audit(card.requestId).find((r) => r.action === 'rejected')).toMatchObject({
      actor: LEO.id,
      details: { reason: 'Not during the freeze' },
    });
    // A late approval changes nothing.
    await world.click(dmCard(approvals, LEA.id), LEA.id, ACTION.approve);
    await settle();
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  });
});

describe('expiry', () => {
  it('closes an unapproved request when expires_after passes and updates every card', async () => {
    const { card, approvals } = await deployAwaitingApproval('4.0.0');
    world.clock.advance(61 * 60 * 1000); // expires_after: 1h
    expect(await world.runtime.engine.expireDue()).toBeGreaterThanOrEqual(1);
    const stored = await world.request(card.requestId);
    expect(stored.status).toBe('closed');
    expect(stored.closedReason).toBe('expired');
    const updates = await world.cardsUpdated(approvals, (c) => textOf(c).includes('expired'));
    expect(updates.every((c) => buttonValue(c, ACTION.approve) === undefined)).toBe(true);
    await world.replyTo(
      card.threadTs,
      (c) => textOf(c).includes(`<@${ANN.id}>`) && textOf(c).includes('expired'),
    );
    expect(world.audit(card.requestId).some((r) => r.action === 'expired')).toBe(true);

    // An approval after expiry is refused and starts nothing.
    const from = world.slack.calls.length;
    await world.click(dmCard(approvals, LEA.id), LEA.id, ACTION.approve);
    await world.slack.waitFor(() => world.ephemeralsTo(LEA.id, from)[0], 5000, 'refusal after expiry');
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  });

  it('an approval clicked after the window closes the request even before the sweep', async () => {
    const { card, approvals } = await deployAwaitingApproval('4.1.0');
    world.clock.advance(61 * 60 * 1000);
    const from = world.slack.calls.length;
    await world.click(dmCard(approvals, LEA.id), LEA.id, ACTION.approve);
    await world.slack.waitFor(() => world.ephemeralsTo(LEA.id, from)[0], 5000, 'refusal after expiry');
    const stored = await world.waitForStatus(card.requestId, 'closed');
    expect(stored.closedReason).toBe('expired');
    expect(world.createRunCalls(card.requestId)).toHaveLength(0);
  });
});

describe('two app instances on one Redis', () => {
  it('approvals split between them start one run', async () => {
    if (world.instances.length < 2) await world.startInstance();
    const card = await world.askForCard('flush queue invoices', { instance: 1 });
    const approvals = await world.runAndAwaitApprovalCards(card, 21);
    const results = await Promise.all(
      APPROVERS.map((approver, i) =>
        world.click(dmCard(approvals, approver.id), approver.id, ACTION.approve, { instance: i % 2 }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    await world.waitForStatus(card.requestId, 'submitted');
    await settle(500);
    expect(world.runsFor(card.requestId)).toHaveLength(1);
    expect(world.createRunCalls(card.requestId)).toHaveLength(1);
    expect(world.audit(card.requestId).filter((r) => r.action === 'started')).toHaveLength(1);
  });
});

describe('what waits for approval', () => {
  it('/flowdesk approvals lists what waits for you; /flowdesk runs shows it to approvers and admins', async () => {
    const { card } = await deployAwaitingApproval('5.0.0');
    const forLea = await world.command(LEA.id, 'approvals');
    expect(textOf(forLea)).toContain(card.requestId);
    // Not the requester (she may not approve her own), not a non-approver.
    expect(textOf(await world.command(ANN.id, 'approvals'))).not.toContain(card.requestId);
    expect(textOf(await world.command(BOB.id, 'approvals'))).not.toContain(card.requestId);

    const runsForLea = await world.command(LEA.id, 'runs');
    expect(textOf(runsForLea)).toContain(card.requestId);
    expect(textOf(runsForLea)).toContain('approval');
    const runsForAdmin = await world.command(ADA.id, 'runs');
    expect(textOf(runsForAdmin)).toContain(card.requestId);
    expect(textOf(await world.command(BOB.id, 'runs'))).not.toContain(card.requestId);
  });
});
