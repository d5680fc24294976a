import { LLM_UNAVAILABLE_NOTICE } from '../../../src/adapters/llm/openai-router';
import { buildInput, type RouterRig, startRouterRig } from './llm-test-kit';

describe('LLM router when the model is slow, busy or down', () => {
  let rig: RouterRig;

  afterEach(async () => {
    await rig.close();
  });

  it('retries a 5xx with back-off and then uses the answer', async () => {
    rig = await startRouterRig();
    rig.server.status(500).toolCall('run_reset-vpn', { user_email: 'ann@example.com' });

    const decision = await rig.router.route(buildInput());

    expect(decision).toMatchObject({ kind: 'run', processId: 'reset-vpn', via: 'llm' });
    expect(decision.notices).toBeUndefined();
    expect(rig.server.requests).toHaveLength(2);
    expect(rig.sleeps).toHaveLength(1);
    expect(rig.sleeps[0]).toBeGreaterThanOrEqual(375);
    expect(rig.sleeps[0]).toBeLessThanOrEqual(500);
    expect(rig.fallback.inputs).toHaveLength(0);
    const retry = rig.log.entries().find((entry) => entry.msg === 'LLM call failed: retrying');
    expect(retry).toMatchObject({ level: 40, error: 'http', status: 500, attempt: 1 });
  });

  it('backs off exponentially between retries', async () => {
    rig = await startRouterRig({ maxRetries: 3, retryBaseDelayMs: 100 });
    rig.server.status(502).status(503).status(500).text('Which one?');

    const decision = await rig.router.route(buildInput());

    expect(decision.kind).toBe('ask');
    expect(rig.sleeps).toHaveLength(3);
    const [first, second, third] = rig.sleeps;
    expect(first).toBeGreaterThanOrEqual(75);
    expect(first).toBeLessThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(150);
    expect(second).toBeLessThanOrEqual(200);
    expect(third).toBeGreaterThanOrEqual(300);
    expect(third).toBeLessThanOrEqual(400);
  });

  it('honours retry-after on a 429', async () => {
    rig = await startRouterRig();
    rig.server.status(429, 2).toolCall('run_reset-vpn', { user_email: null });

    const decision = await rig.router.route(buildInput());

    expect(decision).toMatchObject({ kind: 'run', processId: 'reset-vpn', parameters: {} });
    expect(rig.sleeps).toEqual([2000]);
  });

  it('does not wait for a retry-after longer than the cap: the local router answers', async () => {
    rig = await startRouterRig({ maxRetryAfterMs: 5_000 });
    rig.server.status(429, 120);

    const decision = await rig.router.route(buildInput());

    expect(rig.sleeps).toEqual([]);
    expect(rig.fallback.inputs).toHaveLength(1);
    expect(decision.notices).toEqual([LLM_UNAVAILABLE_NOTICE]);
  });

  it('falls back to the local router after timeouts, and says so', async () => {
    rig = await startRouterRig({ timeoutMs: 150, maxRetries: 1 });
    rig.server.hang(5_000).hang(5_000);
    const input = buildInput();

    const decision = await rig.router.route(input);

    expect(decision).toEqual({
      kind: 'out_of_scope',
      suggestions: [],
      text: 'local router answer',
      via: 'local',
      notices: [LLM_UNAVAILABLE_NOTICE],
    });
    expect(rig.fallback.inputs).toEqual([input]);
    expect(rig.server.requests).toHaveLength(2);
    expect(rig.usage).toEqual([]);
    const entry = rig.log.entries().find((line) => line.msg === 'LLM unavailable: local router used');
    expect(entry).toMatchObject({ level: 40, error: 'timeout' });
  });

  it('falls back within its overall budget when the model hangs, whatever the retries allow', async () => {
    rig = await startRouterRig({ timeoutMs: 200, maxRetries: 3, retryBaseDelayMs: 50, budgetMs: 500 });
    rig.server.hang(5_000).hang(5_000).hang(5_000).hang(5_000);
    const started = Date.now();

    const decision = await rig.router.route(buildInput());

    // Without the budget: four attempts of 200 ms.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(decision).toMatchObject({ via: 'local', notices: [LLM_UNAVAILABLE_NOTICE] });
    expect(rig.fallback.inputs).toHaveLength(1);
    expect(rig.server.requests.length).toBeGreaterThanOrEqual(1);
    expect(rig.server.requests.length).toBeLessThanOrEqual(2);
  });

  it('cuts a hanging attempt short to what is left of the budget', async () => {
    rig = await startRouterRig({ timeoutMs: 5_000, budgetMs: 300 });
    rig.server.hang(5_000);
    const started = Date.now();

    const decision = await rig.router.route(buildInput());

    expect(Date.now() - started).toBeLessThan(600);
    expect(decision.notices).toEqual([LLM_UNAVAILABLE_NOTICE]);
    expect(rig.server.requests).toHaveLength(1);
    expect(rig.sleeps).toEqual([]);
  });

  it('keeps the notices the local router gave', async () => {
    rig = await startRouterRig({
      maxRetries: 0,
      fallback: {
        route: async () => ({
          kind: 'run',
          processId: 'reset-vpn',
          parameters: {},
          via: 'local',
          notices: ['matched by keywords'],
        }),
      },
    });
    rig.server.status(503);

    const decision = await rig.router.route(buildInput());

    expect(decision).toMatchObject({ kind: 'run', via: 'local' });
    expect(decision.notices).toEqual(['matched by keywords', LLM_UNAVAILABLE_NOTICE]);
  });

  it('gives up after maxRetries on a model that stays at 5xx', async () => {
    rig = await startRouterRig({ maxRetries: 2 });
    rig.server.status(500).status(500).status(500).status(500);

    const decision = await rig.router.route(buildInput());

    expect(rig.server.requests).toHaveLength(3);
    expect(rig.server.pendingScripts()).toBe(1);
    expect(decision.notices).toEqual([LLM_UNAVAILABLE_NOTICE]);
    expect(decision.via).toBe('local');
  });

  it('does not retry a wrong API key, and never logs it', async () => {
    rig = await startRouterRig({}, { clientApiKey: 'sk-wrong-key-123456' });

    const decision = await rig.router.route(buildInput());

    expect(rig.server.requests).toHaveLength(1);
    expect(rig.server.requests[0].authorized).toBe(false);
    expect(rig.fallback.inputs).toHaveLength(1);
    expect(decision.notices).toEqual([LLM_UNAVAILABLE_NOTICE]);
    expect(rig.log.text()).not.toContain('sk-wrong-key-123456');
    expect(rig.log.entries().find((line) => line.msg === 'LLM unavailable: local router used')).toMatchObject(
      {
        status: 401,
        code: 'invalid_api_key',
      },
    );
  });

  it('does not retry a request the API rejects (400)', async () => {
    rig = await startRouterRig();
    rig.server.reply(() => ({
      status: 400,
      body: { error: { message: 'bad', type: 'invalid_request_error' } },
    }));

    const decision = await rig.router.route(buildInput());

    expect(rig.server.requests).toHaveLength(1);
    expect(rig.sleeps).toEqual([]);
    expect(decision.notices).toEqual([LLM_UNAVAILABLE_NOTICE]);
  });

  it('retries a refused connection, then falls back', async () => {
    rig = await startRouterRig();
    await rig.server.close();

    const decision = await rig.router.route(buildInput());

    expect(rig.sleeps).toHaveLength(2);
    expect(decision.notices).toEqual([LLM_UNAVAILABLE_NOTICE]);
    const entry = rig.log.entries().find((line) => line.msg === 'LLM unavailable: local router used');
    expect(entry).toMatchObject({ error: 'connection', cause: 'ECONNREFUSED' });
  });
});
