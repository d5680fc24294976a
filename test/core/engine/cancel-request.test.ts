import { createHarness, runDecision, USERS } from './engine-harness';

async function setup() {
  const h = createHarness({ route: () => runDecision('reset-vpn') });
  const replies = await h.say('my vpn keeps disconnecting');
  const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
  return { h, requestId };
}

async function started() {
  const s = await setup();
  await s.h.engine.confirm({ actor: USERS.ann, requestId: s.requestId });
  return s;
}

describe('cancel', () => {
  it('before a run closes the request (by whom) and Run no longer works', async () => {
    const { h, requestId } = await setup();
    const replies = await h.engine.cancel({ actor: USERS.ann, requestId });
    expect(replies).toEqual([{ kind: 'text', text: expect.stringContaining('Nothing was started') }]);
    expect(await h.store.getRequest(requestId)).toMatchObject({
      status: 'closed',
      closedReason: 'cancelled',
      cancelledBy: USERS.ann.id,
    });
    expect(h.notifier.events.at(-1)?.event).toEqual({ kind: 'cancelled', by: USERS.ann.id });
    expect(h.audit.actions(requestId)).toEqual(['requested', 'cancelled']);
    expect((await h.engine.confirm({ actor: USERS.ann, requestId }))[0]).toMatchObject({
      code: 'request_conflict',
      text: 'This request is closed (cancelled by Ann).',
    });
    expect(h.prefect.createCalls).toHaveLength(0);
  });

  it('only the requester or an admin may cancel', async () => {
    const { h, requestId } = await setup();
    expect((await h.engine.cancel({ actor: USERS.bob, requestId }))[0]).toMatchObject({
      code: 'not_allowed',
    });
    expect((await h.engine.cancel({ actor: USERS.admin, requestId }))[0].kind).toBe('text');
  });

  it.each([
    [{ outcome: 'cancelling' as const }, /Cancelling the run/],
    [{ outcome: 'cancelled' as const }, /is cancelled/],
    [
      { outcome: 'already_terminal' as const, reason: 'run is already COMPLETED' },
      /already finished \(run is already COMPLETED\)/,
    ],
    [{ outcome: 'refused' as const, reason: 'flow is paused' }, /refused to cancel the run: flow is paused/],
  ])('with a run asks Prefect and reports %p', async (outcome, text) => {
    const { h, requestId } = await started();
    h.prefect.cancelOutcome = outcome;
    const replies = await h.engine.cancel({ actor: USERS.ann, requestId });
    expect(h.prefect.cancelCalls).toEqual([{ id: 'run-1', message: expect.stringContaining('Ann') }]);
    expect(replies).toEqual([{ kind: 'text', text: expect.stringMatching(text) }]);
    const recorded = (await h.store.getRequest(requestId))?.cancelledBy;
    expect(recorded).toBe(
      outcome.outcome === 'cancelling' || outcome.outcome === 'cancelled' ? USERS.ann.id : undefined,
    );
    expect(h.audit.entries.at(-1)).toMatchObject({
      action: 'cancelled',
      details: { outcome: outcome.outcome },
    });
  });

  it('after the run finished says so without calling Prefect', async () => {
    const { h, requestId } = await started();
    const request = await h.store.getRequest(requestId);
    await h.store.compareAndSet(
      {
        ...request!,
        status: 'finished',
        run: {
          ...request!.run!,
          state: { type: 'COMPLETED', name: 'Completed', timestamp: '2025-06-12T10:05:00Z' },
        },
      },
      request!.version,
    );
    expect((await h.engine.cancel({ actor: USERS.ann, requestId }))[0]).toMatchObject({
      text: expect.stringContaining('already finished (Completed)'),
    });
    expect(h.prefect.cancelCalls).toHaveLength(0);
  });
});
