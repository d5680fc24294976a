import { approvalSubject } from '../../../src/core/engine/approval-subject';
import type { ApprovalPolicy, ProcessDef } from '../../../src/core/types';
import { buildProcess, createHarness, runDecision, USERS } from './engine-harness';

function approvalProcess(policy: Partial<ApprovalPolicy> = {}): ProcessDef {
  return buildProcess({
    id: 'deploy',
    tags: ['deploys'],
    approval: {
      approvers: { users: [USERS.lead1.id, USERS.ann.id], usergroups: ['S0LEADS'] },
      minApprovals: 1,
      selfApproval: false,
      expiresAfterMs: 60 * 60 * 1000,
      ...policy,
    },
  });
}

async function awaitingApproval(policy: Partial<ApprovalPolicy> = {}) {
  const h = createHarness({ processes: [approvalProcess(policy)], route: () => runDecision('deploy') });
  h.directory.setGroup('S0LEADS', [USERS.lead2.id, ...Array.from({ length: 20 }, (_, i) => `U0GROUP${i}`)]);
  const replies = await h.say('deploy please');
  const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
  const confirmed = await h.engine.confirm({ actor: USERS.ann, requestId });
  return { h, requestId, confirmed };
}

describe('approvals', () => {
  it('Run on a process with approval waits for approvers and tells them', async () => {
    const { h, requestId, confirmed } = await awaitingApproval();
    expect(confirmed.map((r) => r.kind)).toEqual(['status']);
    expect(await h.store.getRequest(requestId)).toMatchObject({
      status: 'awaiting_approval',
      expiresAt: '2025-06-12T11:00:00.000Z',
    });
    expect(h.notifier.kinds()).toEqual(['approval_needed']);
    expect(h.prefect.createCalls).toHaveLength(0);
  });

  it('refuses self-approval and non-approvers; a listed approver starts the run with approver tags', async () => {
    const { h, requestId } = await awaitingApproval();
    expect((await h.engine.approve({ actor: USERS.ann, requestId }))[0]).toMatchObject({
      code: 'not_allowed',
      text: expect.stringContaining('own request'),
    });
    expect((await h.engine.approve({ actor: USERS.bob, requestId }))[0]).toMatchObject({
      code: 'not_allowed',
    });
    expect((await h.engine.approve({ actor: USERS.admin, requestId }))[0]).toMatchObject({
      code: 'not_allowed',
    });
    expect(h.prefect.createCalls).toHaveLength(0);
    const replies = await h.engine.approve({ actor: USERS.lead2, requestId });
    expect(replies.map((r) => r.kind)).toEqual(['text', 'status']);
    expect(h.prefect.createCalls).toHaveLength(1);
    expect(h.prefect.createCalls[0].tags).toContain(`approved-by:${USERS.lead2.id}`);
    expect(h.prefect.createCalls[0].name).toBe(`deploy for Ann, approved by ${USERS.lead2.name}`);
    expect(h.notifier.kinds()).toEqual(['approval_needed', 'approved', 'state_changed']);
    expect(h.audit.actions(requestId)).toEqual(['requested', 'confirmed', 'approved', 'started']);
  });

  it('allows self-approval when the policy says so', async () => {
    const { h, requestId } = await awaitingApproval({ selfApproval: true });
    expect((await h.engine.approve({ actor: USERS.ann, requestId })).map((r) => r.kind)).toEqual([
      'text',
      'status',
    ]);
  });

  it('needs two distinct approvers when min_approvals is 2', async () => {
    const { h, requestId } = await awaitingApproval({ minApprovals: 2 });
    expect((await h.engine.approve({ actor: USERS.lead1, requestId }))[0]).toMatchObject({
      text: expect.stringContaining('1 of 2'),
    });
    expect((await h.engine.approve({ actor: USERS.lead1, requestId }))[0]).toMatchObject({
      text: expect.stringContaining('already approved'),
    });
    expect(h.prefect.createCalls).toHaveLength(0);
    await h.engine.approve({ actor: USERS.lead2, requestId });
    expect(h.prefect.createCalls).toHaveLength(1);
    expect((await h.store.getRequest(requestId))?.approvals.map((a) => a.userId)).toEqual([
      USERS.lead1.id,
      USERS.lead2.id,
    ]);
  });

  it('submits exactly once when 20 approvers click at the same time', async () => {
    const { h, requestId } = await awaitingApproval({ minApprovals: 2 });
    const approvers = Array.from({ length: 20 }, (_, i) => ({ id: `U0GROUP${i}`, name: `G${i}`, tz: 'UTC' }));
    await Promise.all(approvers.map((actor) => h.engine.approve({ actor, requestId })));
    expect(h.prefect.createCalls).toHaveLength(1);
    const request = await h.store.getRequest(requestId);
    expect(request?.status).toBe('submitted');
    expect(request?.approvals).toHaveLength(2);
    expect(h.audit.actions(requestId).filter((a) => a === 'started')).toHaveLength(1);
  });

  it('reject closes the request with the reason', async () => {
    const { h, requestId } = await awaitingApproval();
    const replies = await h.engine.reject({ actor: USERS.lead1, requestId, reason: 'not during the freeze' });
    expect(replies[0].kind).toBe('text');
    expect(await h.store.getRequest(requestId)).toMatchObject({
      status: 'closed',
      closedReason: 'rejected',
      rejectedBy: USERS.lead1.id,
    });
    expect(h.notifier.events.at(-1)?.event).toEqual({
      kind: 'rejected',
      by: USERS.lead1.id,
      reason: 'not during the freeze',
    });
    expect((await h.engine.approve({ actor: USERS.lead2, requestId }))[0]).toMatchObject({
      code: 'request_conflict',
    });
  });

  it('an edit after an approval voids it; the request needs approving again', async () => {
    const { h, requestId } = await awaitingApproval({ minApprovals: 2 });
    await h.engine.approve({ actor: USERS.lead1, requestId });
    const edited = await h.engine.submitEdit({ actor: USERS.ann, requestId, values: { note: 'x' } });
    expect(edited.ok).toBe(true);
    const after = await h.store.getRequest(requestId);
    expect(after).toMatchObject({ status: 'awaiting_confirmation', approvals: [] });
    expect(h.audit.entries.at(-1)).toMatchObject({
      action: 'edited',
      details: { voidedApprovals: [USERS.lead1.id] },
    });
    expect((await h.engine.approve({ actor: USERS.lead2, requestId }))[0]).toMatchObject({
      code: 'request_conflict',
    });
    await h.engine.confirm({ actor: USERS.ann, requestId });
    await h.engine.approve({ actor: USERS.lead2, requestId });
    expect(h.prefect.createCalls).toHaveLength(0);
  });

  it('an approval card showing other parameters than the request has now does not count', async () => {
    const { h, requestId } = await awaitingApproval();
    const shown = approvalSubject((await h.store.getRequest(requestId))!);
    await h.engine.submitEdit({ actor: USERS.ann, requestId, values: { note: 'changed' } });
    await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(
      (await h.engine.approve({ actor: USERS.lead1, requestId, expectedSubject: shown }))[0],
    ).toMatchObject({
      code: 'request_conflict',
      text: expect.stringContaining('out of date'),
    });
    expect(h.prefect.createCalls).toHaveLength(0);
    const current = approvalSubject((await h.store.getRequest(requestId))!);
    expect(current).not.toBe(shown);
    await h.engine.approve({ actor: USERS.lead1, requestId, expectedSubject: current });
    expect(h.prefect.createCalls).toHaveLength(1);
  });

  it('approval expires: a late click closes the request, expireDue does too', async () => {
    const first = await awaitingApproval();
    first.h.clock.advance(61 * 60 * 1000);
    expect(
      (await first.h.engine.approve({ actor: USERS.lead1, requestId: first.requestId }))[0],
    ).toMatchObject({ code: 'request_expired' });
    expect(first.h.prefect.createCalls).toHaveLength(0);
    expect(first.h.notifier.kinds()).toContain('expired');

    const second = await awaitingApproval();
    second.h.clock.advance(61 * 60 * 1000);
    expect(await second.h.engine.expireDue()).toBe(1);
    expect(await second.h.store.getRequest(second.requestId)).toMatchObject({
      status: 'closed',
      closedReason: 'expired',
    });
  });

  it('in a dry run the last approval reports what would start', async () => {
    const h = createHarness({
      dryRun: true,
      processes: [approvalProcess()],
      route: () => runDecision('deploy'),
    });
    const replies = await h.say('deploy please');
    const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
    await h.engine.confirm({ actor: USERS.ann, requestId });
    const approved = await h.engine.approve({ actor: USERS.lead1, requestId });
    expect(approved.at(-1)).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('Dry run: would start deploy/production'),
    });
  });
});
