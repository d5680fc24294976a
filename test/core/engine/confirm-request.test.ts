import { FlowdeskError } from '../../../src/core/errors';
import { createHarness, runDecision, THREAD, USERS } from './engine-harness';

async function card(h: ReturnType<typeof createHarness>, thread = THREAD): Promise<string> {
  const replies = await h.say('my vpn keeps disconnecting', USERS.ann, thread);
  const found = replies.find((reply) => reply.kind === 'confirmation');
  if (found?.kind !== 'confirmation') throw new Error(JSON.stringify(replies));
  return found.request.id;
}

describe('confirm (Run)', () => {
  it('creates one flow run with idempotency key, tags and name, and follows it', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const requestId = await card(h);
    const replies = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(h.prefect.createCalls).toEqual([
      {
        deploymentId: 'dep-reset-vpn-production',
        parameters: { user_email: 'ann@example.com' },
        idempotencyKey: requestId,
        tags: ['flowdesk', 'it', 'service-desk', `requested-by:${USERS.ann.id}`, `request:${requestId}`],
        name: 'reset-vpn for Ann',
        stateMessage: expect.stringContaining('Ann'),
      },
    ]);
    expect(replies).toHaveLength(1);
    const status = replies[0];
    if (status.kind !== 'status') throw new Error('expected status');
    expect(status.request.status).toBe('submitted');
    expect(status.request.run).toMatchObject({
      flowRunId: 'run-1',
      url: 'http://prefect.test/runs/flow-run/run-1',
    });
    expect(await h.store.findRequestIdByRun('run-1')).toBe(requestId);
    expect(await h.store.listFollowed(10)).toEqual([requestId]);
    expect(h.audit.actions(requestId)).toEqual(['requested', 'confirmed', 'started']);
  });

  it('creates exactly one run under 20 concurrent clicks; the others hear it is under way', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const requestId = await card(h);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => h.engine.confirm({ actor: USERS.ann, requestId })),
    );
    expect(h.prefect.createCalls).toHaveLength(1);
    const kinds = results.map((replies) => replies[0].kind);
    expect(kinds.filter((k) => k === 'status')).toHaveLength(1);
    const losers = results.flat().filter((reply) => reply.kind === 'error');
    expect(losers).toHaveLength(19);
    for (const loser of losers)
      expect(loser).toMatchObject({
        code: 'request_conflict',
        text: expect.stringMatching(/already .*by Ann/),
      });
    expect(h.audit.actions(requestId).filter((a) => a === 'started')).toHaveLength(1);
  });

  it('shows Prefect’s 409 message and keeps the request confirmable (same idempotency key on retry)', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const requestId = await card(h);
    h.prefect.failNextCreate(
      new FlowdeskError('prefect_rejected', '409', {
        userMessage: "Prefect rejected the parameters: Validation failed for field 'user_email'.",
      }),
    );
    const failed = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(failed).toEqual([
      { kind: 'error', code: 'prefect_rejected', text: expect.stringContaining("field 'user_email'") },
    ]);
    expect((await h.store.getRequest(requestId))?.status).toBe('awaiting_confirmation');
    const retried = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(retried[0].kind).toBe('status');
    expect(h.prefect.createCalls.map((c) => c.idempotencyKey)).toEqual([requestId, requestId]);
  });

  it('in a dry run says what it would start and closes the request', async () => {
    const h = createHarness({ dryRun: true, route: () => runDecision('reset-vpn') });
    const cardReplies = await h.say('my vpn keeps disconnecting');
    expect(cardReplies[0]).toMatchObject({ kind: 'confirmation', dryRun: true });
    const requestId = cardReplies[0].kind === 'confirmation' ? cardReplies[0].request.id : '';
    const replies = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(replies).toEqual([
      {
        kind: 'text',
        text: 'Dry run: would start reset-vpn/production with {"user_email":"ann@example.com"}. Nothing was started.',
      },
    ]);
    expect(await h.store.getRequest(requestId)).toMatchObject({ status: 'closed', closedReason: 'dry_run' });
    const again = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(again[0]).toMatchObject({ kind: 'error', code: 'request_conflict' });
  });

  it('closes an expired request instead of running it', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const requestId = await card(h);
    h.clock.advance(25 * 60 * 60 * 1000);
    const replies = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(replies).toEqual([{ kind: 'error', code: 'request_expired', text: expect.any(String) }]);
    expect(h.prefect.createCalls).toHaveLength(0);
    expect(await h.store.getRequest(requestId)).toMatchObject({ status: 'closed', closedReason: 'expired' });
    expect(h.notifier.kinds()).toEqual(['expired']);
  });

  it('expireDue closes requests whose window passed and leaves the others', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const old = await card(h);
    h.clock.advance(12 * 60 * 60 * 1000);
    const recent = await card(h, { ...THREAD, threadTs: '1718200999.000100' });
    h.clock.advance(13 * 60 * 60 * 1000);
    expect(await h.engine.expireDue()).toBe(1);
    expect((await h.store.getRequest(old))?.status).toBe('closed');
    expect((await h.store.getRequest(recent))?.status).toBe('awaiting_confirmation');
    expect(h.audit.actions(old)).toContain('expired');
    expect(await h.engine.expireDue()).toBe(0);
  });

  it('retakes a request stuck in submitting after a crash (idempotency key reused)', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const requestId = await card(h);
    const stuck = await h.store.getRequest(requestId);
    await h.store.compareAndSet({ ...stuck!, status: 'submitting' }, stuck!.version);
    const early = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(early[0]).toMatchObject({ kind: 'error', code: 'request_conflict' });
    h.clock.advance(3 * 60 * 1000);
    const late = await h.engine.confirm({ actor: USERS.ann, requestId });
    expect(late[0].kind).toBe('status');
  });
});
