import type { Reply } from '../../../src/core/engine-api';
import { FlowdeskError } from '../../../src/core/errors';
import { buildProcess, createHarness, runDecision, THREAD, USERS } from './engine-harness';

const byUser = buildProcess({
  id: 'by-user',
  aliases: ['rotate keys for {service}'],
  access: { users: [USERS.ann.id] },
});
const byGroup = buildProcess({ id: 'by-group', access: { usergroups: ['S0DEVS'] } });
const byChannel = buildProcess({ id: 'by-channel', access: { channels: ['C0OPS'] } });
const processes = [byUser, byGroup, byChannel];

function setup(processId = 'by-user') {
  const h = createHarness({ processes, route: () => runDecision(processId) });
  h.directory.setGroup('S0DEVS', [USERS.bob.id]);
  return h;
}

async function cardFor(h: ReturnType<typeof setup>, requester = USERS.ann, thread = THREAD): Promise<string> {
  const replies = await h.say('go', requester, thread);
  const card = replies.find((reply) => reply.kind === 'confirmation');
  if (card?.kind !== 'confirmation') throw new Error(`no card: ${JSON.stringify(replies)}`);
  return card.request.id;
}

describe('access lists', () => {
  it('offers processes by user, user group and channel', async () => {
    const h = setup();
    const ids = async (requester: typeof USERS.ann, channel: string) =>
      (await h.engine.listProcesses(requester, channel)).map((p) => p.id);
    expect(await ids(USERS.ann, 'C0GENERAL')).toEqual(['by-user']);
    expect(await ids(USERS.bob, 'C0GENERAL')).toEqual(['by-group']);
    expect(await ids(USERS.bob, 'C0OPS')).toEqual(['by-group', 'by-channel']);
    expect(await ids(USERS.lead1, 'D0DM')).toEqual([]);
  });

  it('denies a message routed to a process the user may not use (no process named)', async () => {
    const h = setup('by-group');
    const replies = await h.say('go', USERS.ann);
    expect(replies).toEqual([{ kind: 'denied', text: expect.any(String) }]);
    expect(JSON.stringify(replies)).not.toContain('by-group');
    expect(h.router.last().candidates.map((p) => p.id)).toEqual(['by-user']);
  });

  it('denies an exact alias of a process the user may not use', async () => {
    const h = createHarness({
      processes,
      route: () => ({ kind: 'out_of_scope', suggestions: [], via: 'local' }),
    });
    const replies = await h.say('rotate keys for payments', USERS.bob);
    expect(replies.map((r) => r.kind)).toEqual(['denied']);
    expect(JSON.stringify(replies)).not.toContain('by-user');
  });

  it('allows a channel-restricted process only from its channel (not from a DM)', async () => {
    const h = setup('by-channel');
    expect((await h.say('go', USERS.ann, { channel: 'C0OPS', threadTs: '1.1', isDm: false }))[0].kind).toBe(
      'confirmation',
    );
    expect((await h.say('go', USERS.ann, { channel: 'D0ANN', threadTs: '1.2', isDm: true }))[0].kind).toBe(
      'denied',
    );
  });

  it('re-checks access on Run, Edit and Cancel (a stale card after access was removed)', async () => {
    const h = setup('by-group');
    const requestId = await cardFor(h, USERS.bob);
    h.directory.setGroup('S0DEVS', []);
    const expectDenied = (replies: Reply[]) => expect(replies.map((r) => r.kind)).toEqual(['denied']);
    expectDenied(await h.engine.confirm({ actor: USERS.bob, requestId }));
    expectDenied(await h.engine.cancel({ actor: USERS.bob, requestId }));
    await expect(h.engine.editForm({ actor: USERS.bob, requestId })).rejects.toMatchObject({
      code: 'access_denied',
    });
    const edit = h.engine.submitEdit({ actor: USERS.bob, requestId, values: {} });
    await expect(edit).rejects.toBeInstanceOf(FlowdeskError);
    expect(h.prefect.createCalls).toHaveLength(0);
    expect((await h.store.getRequest(requestId))?.status).toBe('awaiting_confirmation');
  });

  it('checks the channel of the click', async () => {
    const h = setup('by-channel');
    const requestId = await cardFor(h, USERS.ann, { channel: 'C0OPS', threadTs: '2.1', isDm: false });
    const replies = await h.engine.confirm({ actor: USERS.ann, requestId, channel: 'C0ELSEWHERE' });
    expect(replies.map((r) => r.kind)).toEqual(['denied']);
    const ok = await h.engine.confirm({ actor: USERS.ann, requestId, channel: 'C0OPS' });
    expect(ok.map((r) => r.kind)).toEqual(['status']);
  });

  it('lets only the requester or an admin press Run', async () => {
    const h = setup('by-user');
    const requestId = await cardFor(h);
    const stranger = await h.engine.confirm({ actor: USERS.bob, requestId });
    expect(stranger).toEqual([{ kind: 'error', code: 'not_allowed', text: expect.stringContaining('Ann') }]);
    expect(h.prefect.createCalls).toHaveLength(0);
    const admin = await h.engine.confirm({ actor: USERS.admin, requestId });
    expect(admin.map((r) => r.kind)).toEqual(['status']);
    expect(h.prefect.createCalls).toHaveLength(1);
    expect((await h.store.getRequest(requestId))?.confirmedBy).toBe(USERS.admin.id);
  });
});
