import type { Reply } from '../../../src/core/engine-api';
import type { RoutingInput } from '../../../src/core/ports';
import {
  buildProcess,
  createHarness,
  RESET_VPN,
  RESTART_SERVICE,
  runDecision,
  THREAD,
  USERS,
} from './engine-harness';

/** The name an adapter gives a message for once-only handling. */
const ONCE = { key: 'slack:msg:C0GENERAL:1718200000.000100', ttlSeconds: 3600 };

function only<K extends Reply['kind']>(replies: Reply[], kind: K): Extract<Reply, { kind: K }> {
  const found = replies.filter((reply): reply is Extract<Reply, { kind: K }> => reply.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('handleMessage', () => {
  it('routes a message to a confirmation card with defaults filled from the requester', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const replies = await h.say('my vpn keeps disconnecting');
    const card = only(replies, 'confirmation');
    expect(card.process.id).toBe('reset-vpn');
    expect(card.request.parameters).toEqual({ user_email: 'ann@example.com' });
    expect(card.request.status).toBe('awaiting_confirmation');
    expect(card.request.expiresAt).toBe('2025-06-13T10:00:00.000Z');
    expect(card.dryRun).toBe(false);
    expect((card.schema.properties as Record<string, { default?: unknown }>).user_email.default).toBe(
      'ann@example.com',
    );
    expect(h.audit.actions(card.request.id)).toEqual(['requested']);
    expect(await h.store.getRequest(card.request.id)).toMatchObject({ status: 'awaiting_confirmation' });
  });

  it('only offers usable processes to the router and remembers the turns', async () => {
    const secret = buildProcess({ id: 'secret', access: { users: ['U0BOSS'] } });
    const h = createHarness({ processes: [RESET_VPN, secret], route: () => runDecision('reset-vpn') });
    await h.say('my vpn keeps disconnecting');
    expect(h.router.last().candidates.map((p) => p.id)).toEqual(['reset-vpn']);
    await h.say('thanks');
    const context = h.router.last().context;
    expect(context?.turns.map((t) => t.role)).toEqual(['user', 'bot']);
    expect(context?.turns[0].text).toBe('my vpn keeps disconnecting');
  });

  it('hands the turn bookkeeping to the adapter when asked, after the request and its expiry are stored', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const deferred: Array<() => Promise<void>> = [];
    const replies = await h.engine.handleMessage({
      requester: USERS.ann,
      thread: THREAD,
      text: 'my vpn keeps disconnecting',
      defer: (work) => deferred.push(work),
    });
    const card = only(replies, 'confirmation');
    expect(deferred).toHaveLength(1);
    // The request exists before the card is shown, so Run works even if bookkeeping is slow, and
    // the card expires even if the bookkeeping never runs (its expiry is written with it).
    expect(await h.store.getRequest(card.request.id)).toMatchObject({ status: 'awaiting_confirmation' });
    expect(await h.store.dueExpiries(Date.parse(card.request.expiresAt!), 10)).toEqual([card.request.id]);
    expect(await h.store.getContext(THREAD)).toBeNull();
    expect(h.audit.actions(card.request.id)).toEqual([]);
    await deferred[0]();
    expect((await h.store.getContext(THREAD))?.pendingRequestId).toBe(card.request.id);
    expect(h.audit.actions(card.request.id)).toEqual(['requested']);
  });

  it('claims a message with the request it creates, so a second delivery changes and says nothing', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const input = { requester: USERS.ann, thread: THREAD, text: 'my vpn keeps disconnecting', once: ONCE };
    const card = only(await h.engine.handleMessage(input), 'confirmation');
    expect(await h.engine.handleMessage(input)).toEqual([]);
    expect((await h.store.listRecentRequests(10)).map((request) => request.id)).toEqual([card.request.id]);
    expect(h.audit.actions()).toEqual(['requested']);
    // One write claimed it: the key is taken for anyone else too.
    expect(await h.store.claimOnce(ONCE.key, ONCE.ttlSeconds)).toBe(false);
  });

  it('answers concurrent deliveries of one message once, with one request', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const input = { requester: USERS.ann, thread: THREAD, text: 'my vpn keeps disconnecting', once: ONCE };
    const answers = await Promise.all([1, 2, 3, 4].map(() => h.engine.handleMessage(input)));
    expect(answers.filter((replies) => replies.length > 0)).toHaveLength(1);
    expect(await h.store.listRecentRequests(10)).toHaveLength(1);
  });

  it('claims before answering when nothing is created: a refusal or suggestions are given once', async () => {
    const h = createHarness({
      route: () => ({ kind: 'out_of_scope', suggestions: ['reset-vpn'], via: 'local' }),
    });
    const input = { requester: USERS.ann, thread: THREAD, text: 'order pizza', once: ONCE };
    only(await h.engine.handleMessage(input), 'out_of_scope');
    expect(await h.engine.handleMessage(input)).toEqual([]);
    expect(await h.store.getContext(THREAD)).not.toBeNull();
  });

  it('claims before the first write when the message updates a draft', async () => {
    const h = createHarness({
      route: (input: RoutingInput) =>
        input.pending ? runDecision('reset-vpn', { user_email: 'a@example.com' }) : runDecision('reset-vpn'),
    });
    const question = only(await h.say('my vpn keeps disconnecting', USERS.noEmail), 'question');
    const answer = { requester: USERS.noEmail, thread: THREAD, text: 'a@example.com', once: ONCE };
    only(await h.engine.handleMessage(answer), 'confirmation');
    const version = (await h.store.getRequest(question.requestId!))?.version;
    expect(await h.engine.handleMessage(answer)).toEqual([]);
    expect((await h.store.getRequest(question.requestId!))?.version).toBe(version);
  });

  it('does not call a router that calls out (a model) for a duplicate', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    h.router.callsOut = true;
    const input = { requester: USERS.ann, thread: THREAD, text: 'my vpn keeps disconnecting', once: ONCE };
    only(await h.engine.handleMessage(input), 'confirmation');
    expect(await h.engine.handleMessage(input)).toEqual([]);
    expect(h.router.inputs).toHaveLength(1);
  });

  it('says the store is unavailable when it cannot claim the message, and creates nothing', async () => {
    const h = createHarness({ route: () => ({ kind: 'out_of_scope', suggestions: [], via: 'local' }) });
    await h.store.close();
    const [reply] = await h.engine.handleMessage({
      requester: USERS.ann,
      thread: THREAD,
      text: 'x',
      once: ONCE,
    });
    expect(reply).toMatchObject({ kind: 'error', code: 'store_unavailable' });
  });

  it('reads no earlier turn for a message that starts its thread', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    await h.say('my vpn keeps disconnecting');
    expect(await h.store.getContext(THREAD)).not.toBeNull();
    await h.engine.handleMessage({ requester: USERS.ann, thread: THREAD, text: 'vpn', startsThread: true });
    expect(h.router.last().context).toBeNull();
  });

  it('asks for a missing parameter, then completes the draft with the answer', async () => {
    const h = createHarness({
      route: (input: RoutingInput) =>
        input.pending
          ? runDecision('reset-vpn', { user_email: input.text.trim() })
          : runDecision('reset-vpn'),
    });
    const first = await h.say('my vpn keeps disconnecting', USERS.noEmail);
    const question = only(first, 'question');
    expect(question.text).toContain('user_email');
    expect(question.text).toContain('Email of the person whose VPN profile is reset');
    const second = await h.say('nomail@example.com', USERS.noEmail);
    const pending = h.router.last().pending;
    expect(pending?.process.id).toBe('reset-vpn');
    expect(pending?.missing).toEqual(['user_email']);
    const card = only(second, 'confirmation');
    expect(card.request.id).toBe(question.requestId);
    expect(card.request.parameters).toEqual({ user_email: 'nomail@example.com' });
  });

  it('takes a plain answer to a one-parameter question even when the router does not', async () => {
    const h = createHarness({
      route: (input: RoutingInput) =>
        input.pending ? { kind: 'out_of_scope', suggestions: [], via: 'local' } : runDecision('reset-vpn'),
    });
    await h.say('my vpn keeps disconnecting', USERS.noEmail);
    const card = only(await h.say('nomail@example.com', USERS.noEmail), 'confirmation');
    expect(card.request.parameters.user_email).toBe('nomail@example.com');
  });

  it('lists enum choices in the question and applies "make it staging instead" to the same request', async () => {
    const h = createHarness({
      route: (input: RoutingInput) => {
        if (input.text.includes('staging')) return runDecision('restart-service', { environment: 'staging' });
        if (input.text.includes('production'))
          return runDecision('restart-service', { environment: 'production' });
        return runDecision('restart-service', { service: 'payments-api' });
      },
    });
    const question = only(await h.say('restart payments-api'), 'question');
    expect(question.text).toContain('environment');
    expect(question.text).toContain('one of: staging, production');
    const card = only(await h.say('in production'), 'confirmation');
    expect(card.request.parameters).toEqual({
      service: 'payments-api',
      environment: 'production',
      replicas: 1,
    });
    const changed = only(await h.say('make it staging instead'), 'confirmation');
    expect(changed.request.id).toBe(card.request.id);
    expect(changed.request.parameters.environment).toBe('staging');
    expect(h.audit.actions(card.request.id)).toEqual(['requested', 'edited']);
  });

  it('asks again with the error when a value is invalid, and creates no confirmable request', async () => {
    const h = createHarness({
      route: () => runDecision('restart-service', { service: 'payments-api', environment: 'qa' }),
    });
    const question = only(await h.say('restart payments-api in qa'), 'question');
    expect(question.text).toContain('environment must be one of: staging, production');
    expect((await h.store.getRequest(question.requestId!))?.status).toBe('drafted');
    expect(h.audit.entries).toEqual([]);
  });

  it('refuses a scheduled time in the past and accepts one in the future', async () => {
    let at = '2025-06-12T09:00:00.000Z';
    const h = createHarness({ route: () => runDecision('reset-vpn', {}, { scheduledAt: at }) });
    const refusal = only(await h.say('reset my vpn this morning at 9'), 'error');
    expect(refusal.code).toBe('schedule_invalid');
    expect(refusal.text).toContain('in the past');
    at = '2025-06-13T07:00:00.000Z';
    const card = only(await h.say('reset my vpn tomorrow at 9'), 'confirmation');
    expect(card.request.scheduledAt).toBe(at);
  });

  it('answers out of scope with usable suggestions only (title and one example)', async () => {
    const secret = buildProcess({ id: 'secret', title: 'Secret', access: { users: ['U0BOSS'] } });
    const h = createHarness({
      processes: [RESET_VPN, RESTART_SERVICE, secret],
      route: () => ({ kind: 'out_of_scope', suggestions: ['secret', 'reset-vpn'], via: 'local' }),
    });
    const reply = only(await h.say('order pizza'), 'out_of_scope');
    expect(reply.suggestions).toEqual([
      { processId: 'reset-vpn', title: 'Reset VPN profile', example: 'my vpn keeps disconnecting' },
    ]);
  });

  it('shows router notices as text and asks router questions', async () => {
    const h = createHarness({
      route: () => ({
        kind: 'ask',
        question: 'Which service?',
        via: 'local',
        notices: ['the language model is unavailable; used the local router'],
      }),
    });
    const replies = await h.say('restart it');
    expect(replies).toEqual([
      { kind: 'text', text: 'the language model is unavailable; used the local router' },
      { kind: 'question', text: 'Which service?' },
    ]);
  });

  it('submits right away when the process has confirm: false', async () => {
    const quick = buildProcess({ id: 'quick', confirm: false });
    const h = createHarness({ processes: [quick], route: () => runDecision('quick') });
    const replies = await h.say('quick please');
    expect(only(replies, 'status').request.status).toBe('submitted');
    expect(h.prefect.createCalls).toHaveLength(1);
  });

  it('uses the map alone and says so when Prefect is down', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    h.prefect.unavailable = true;
    const replies = await h.say('my vpn keeps disconnecting');
    expect(replies[0]).toEqual({ kind: 'text', text: expect.stringContaining('Prefect is not reachable') });
    expect(only(replies, 'confirmation').request.parameters).toEqual({ user_email: 'ann@example.com' });
  });

  it('does not complete another user’s draft in a shared thread', async () => {
    const h = createHarness({
      route: (input: RoutingInput) =>
        input.pending ? runDecision('reset-vpn', { user_email: 'x@y.z' }) : runDecision('reset-vpn'),
    });
    await h.say('my vpn keeps disconnecting', USERS.noEmail, THREAD);
    await h.say('bob@example.com', USERS.bob, THREAD);
    expect(h.router.last().pending).toBeUndefined();
  });

  it('turns a router failure into a friendly error', async () => {
    const h = createHarness({
      route: () => {
        throw new Error('boom');
      },
    });
    expect(await h.say('hello')).toEqual([
      { kind: 'error', code: 'internal', text: expect.stringContaining('could not work out') },
    ]);
  });
});

describe('handleMessage with map-only parameters (dry run)', () => {
  it('asks for a parameter whose default template has no value, even when nothing marks it required', async () => {
    const h = createHarness({ dryRun: true, route: () => runDecision('reset-vpn') });
    const replies = await h.say('my vpn keeps disconnecting', USERS.noEmail);
    expect(replies.map((r) => r.kind)).toEqual(['question']);
    expect(replies[0]).toMatchObject({ text: expect.stringContaining('user_email') });
    const withEmail = await h.say('my vpn keeps disconnecting', USERS.ann, { ...THREAD, threadTs: 'other' });
    expect(withEmail[0]).toMatchObject({
      kind: 'confirmation',
      request: { parameters: { user_email: 'ann@example.com' } },
    });
  });
});

describe('answers to a one-parameter question', () => {
  const outOfScope = { kind: 'out_of_scope' as const, suggestions: [], via: 'local' as const };
  it.each([
    ['payments-api', true],
    ['never mind', false],
  ])('takes %p as the service only when it is one of the choices', async (answer, taken) => {
    const h = createHarness({
      route: (input: RoutingInput) =>
        input.pending ? outOfScope : runDecision('restart-service', { environment: 'staging' }),
    });
    await h.say('restart something in staging');
    const replies = await h.say(answer);
    expect(replies[0].kind).toBe(taken ? 'confirmation' : 'out_of_scope');
  });

  it('does not re-audit a card shown again unchanged', async () => {
    const h = createHarness({ route: () => runDecision('reset-vpn') });
    const first = await h.say('reset my vpn');
    await h.say('reset my vpn please');
    const id = first[0].kind === 'confirmation' ? first[0].request.id : '';
    expect(h.audit.actions(id)).toEqual(['requested']);
  });
});

describe('engine metrics', () => {
  it('counts messages by outcome, routing time by router, and runs started', async () => {
    const counts: string[] = [];
    const metrics = {
      countRequest: (outcome: string) => counts.push(`request:${outcome}`),
      observeRouting: (router: string) => counts.push(`routing:${router}`),
      countRunStarted: (processId: string) => counts.push(`started:${processId}`),
    };
    const h = createHarness({
      route: (input: RoutingInput) =>
        input.text === 'pizza'
          ? { kind: 'out_of_scope', suggestions: [], via: 'local' }
          : runDecision('reset-vpn'),
      deps: { metrics },
    });
    const replies = await h.say('my vpn keeps disconnecting');
    await h.say('pizza', USERS.bob, { ...THREAD, threadTs: 'other' });
    await h.engine.confirm({
      actor: USERS.ann,
      requestId: replies[0].kind === 'confirmation' ? replies[0].request.id : '',
    });
    expect(counts).toEqual([
      'routing:local',
      'request:run',
      'routing:local',
      'request:out_of_scope',
      'started:reset-vpn',
    ]);
  });
});
