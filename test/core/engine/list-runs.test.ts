import { buildProcess, createHarness, RESET_VPN, runDecision, THREAD, USERS } from './engine-harness';

describe('listRuns / status', () => {
  async function setup() {
    const approved = buildProcess({
      id: 'deploy',
      approval: {
        approvers: { users: [USERS.lead1.id], usergroups: [] },
        minApprovals: 1,
        selfApproval: false,
        expiresAfterMs: 3_600_000,
      },
    });
    const h = createHarness({
      processes: [RESET_VPN, approved],
      route: (input) => runDecision(input.text.startsWith('deploy') ? 'deploy' : 'reset-vpn'),
    });
    const ids: string[] = [];
    for (const [text, user, ts] of [
      ['vpn', USERS.ann, '1'],
      ['deploy', USERS.ann, '2'],
      ['vpn', USERS.bob, '3'],
    ] as const) {
      const replies = await h.say(text, user, { ...THREAD, threadTs: ts });
      ids.push(replies[0].kind === 'confirmation' ? replies[0].request.id : '');
      h.clock.advance(1000);
    }
    return { h, ids };
  }

  it('lists the actor’s requests, or everyone’s for admins asking for all', async () => {
    const { h, ids } = await setup();
    expect(
      (await h.engine.listRuns(USERS.ann, { all: false, isAdmin: false })).map((s) => s.request.id),
    ).toEqual([ids[1], ids[0]]);
    expect(
      (await h.engine.listRuns(USERS.ann, { all: true, isAdmin: false })).map((s) => s.request.id),
    ).toEqual([ids[1], ids[0]]);
    expect(
      (await h.engine.listRuns(USERS.admin, { all: true, isAdmin: false })).map((s) => s.request.id),
    ).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('status by request id or flow run id, for the owner, an approver or an admin only', async () => {
    const { h, ids } = await setup();
    await h.engine.confirm({ actor: USERS.ann, requestId: ids[0] });
    expect((await h.engine.status(USERS.ann, 'run-1', false)).request.id).toBe(ids[0]);
    expect((await h.engine.status(USERS.admin, ids[0], false)).process?.id).toBe('reset-vpn');
    await expect(h.engine.status(USERS.bob, ids[0], false)).rejects.toMatchObject({ code: 'not_allowed' });
    expect((await h.engine.status(USERS.lead1, ids[1], false)).request.processId).toBe('deploy');
    await expect(h.engine.status(USERS.ann, 'nope', false)).rejects.toMatchObject({
      code: 'request_not_found',
    });
  });
});
