import { readFileSync } from 'node:fs';
import { isStrictCompatible } from '../../../src/adapters/llm/strict-function-schema';
import { buildRoutingIndex } from '../../../src/core/routing/routing-index';
import { estimateTokens } from '../../fakes/fake-openai-server';
import {
  buildInput,
  buildProcess,
  type RouterRig,
  refreshDashboard,
  resetVpn,
  restartProduction,
  restartService,
  startRouterRig,
  toolsOf,
} from './llm-test-kit';

const prefectSchema = (
  JSON.parse(readFileSync('/work/shared/prefect/examples/deployment-response.json', 'utf8')) as {
    parameter_openapi_schema: Record<string, unknown>;
  }
).parameter_openapi_schema;

describe('LLM router against the fake OpenAI server', () => {
  let rig: RouterRig;

  beforeEach(async () => {
    rig = await startRouterRig();
  });

  afterEach(async () => {
    await rig.close();
  });

  it('turns a tool call into a run of that process with its parameters', async () => {
    rig.server.toolCall('run_restart-service', { service: 'payments-api', environment: 'staging' });

    const decision = await rig.router.route(buildInput({ text: 'restart payments-api in staging' }));

    expect(decision).toEqual({
      kind: 'run',
      processId: 'restart-service',
      parameters: { service: 'payments-api', environment: 'staging' },
      via: 'llm',
      usage: expect.objectContaining({ promptTokens: expect.any(Number) }),
    });
    expect(rig.fallback.inputs).toHaveLength(0);
  });

  it("schedules a run at the time the user named, read in the requester's zone (not by the model)", async () => {
    rig.server.toolCall('run_restart-service', { service: 'payments-api', environment: 'staging' });
    rig.server.toolCall('run_restart-service', { service: 'payments-api', environment: 'staging' });
    // Saturday 25 Oct 2025, 12:00 in Paris: tomorrow 09:00 is already on winter time (UTC+1).
    const now = new Date('2025-10-25T10:00:00Z');
    const later = await rig.router.route(
      buildInput({ text: 'restart payments-api in staging tomorrow at 9', now }),
    );
    expect(later).toMatchObject({ kind: 'run', scheduledAt: '2025-10-26T08:00:00.000Z' });
    const right = await rig.router.route(buildInput({ text: 'restart payments-api in staging', now }));
    expect(right).toMatchObject({ kind: 'run' });
    expect(right).not.toHaveProperty('scheduledAt');
  });

  it('sends one Chat Completions request with strict tools, auto tool choice and no parallel calls', async () => {
    rig.server.text('Which service?');

    await rig.router.route(buildInput({ text: 'restart something' }));

    expect(rig.server.requests).toHaveLength(1);
    const { body, authorized } = rig.server.requests[0];
    expect(authorized).toBe(true);
    expect(body).toMatchObject({ model: 'gpt-test', tool_choice: 'auto', parallel_tool_calls: false });
    const tool = toolsOf(rig.server).find((entry) => entry.function.name === 'run_restart-service');
    expect(tool).toEqual({
      type: 'function',
      function: {
        name: 'run_restart-service',
        description:
          'Restart a service: Restart one service in an environment (rolling restart). Examples: "restart payments-api in staging"; "bounce the checkout service"',
        strict: true,
        parameters: {
          type: 'object',
          properties: {
            service: { type: ['string', 'null'], description: 'Required. Service name' },
            environment: {
              anyOf: [{ type: 'string', enum: ['staging', 'production'] }, { type: 'null' }],
              description: 'default: staging',
            },
          },
          required: ['service', 'environment'],
          additionalProperties: false,
        },
      },
    });
    expect(body.messages[body.messages.length - 1]).toEqual({ role: 'user', content: 'restart something' });
  });

  it('uses the merged schema the engine gives over the map parameters', async () => {
    const report = buildProcess({ id: 'rebuild-report', title: 'Rebuild a report' });
    rig.server.text('Which report?');

    await rig.router.route(
      buildInput({ candidates: [report], schemas: new Map([['rebuild-report', prefectSchema]]) }),
    );

    const parameters = toolsOf(rig.server)[0].function.parameters as { properties: Record<string, unknown> };
    expect(Object.keys(parameters.properties)).toEqual([
      'report_name',
      'region',
      'mode',
      'dry_run',
      'max_rows',
      'window',
      'recipients',
    ]);
  });

  it('leaves out values the model could not fill (null) so the engine asks for them', async () => {
    rig.server.toolCall('run_restart-service', { service: null, environment: 'production' });

    const decision = await rig.router.route(buildInput({ text: 'restart something in production' }));

    expect(decision).toMatchObject({
      kind: 'run',
      processId: 'restart-service',
      parameters: { environment: 'production' },
    });
    expect(decision.kind === 'run' && 'service' in decision.parameters).toBe(false);
  });

  it('drops nulls inside nested objects too', async () => {
    const report = buildProcess({ id: 'rebuild-report' });
    rig.server.toolCall('run_rebuild-report', {
      report_name: 'sales',
      region: null,
      mode: null,
      dry_run: null,
      max_rows: null,
      window: { start: '2025-01-01', end: null, inclusive: null },
      recipients: null,
    });

    const decision = await rig.router.route(
      buildInput({ candidates: [report], schemas: new Map([['rebuild-report', prefectSchema]]) }),
    );

    expect(decision).toMatchObject({
      kind: 'run',
      parameters: { report_name: 'sales', window: { start: '2025-01-01' } },
    });
  });

  it('asks, and never runs, when the model names a tool it was not given', async () => {
    rig.server.toolCall('run_delete-everything', {});

    const decision = await rig.router.route(buildInput());

    expect(decision).toMatchObject({ kind: 'ask', via: 'llm' });
    expect(decision.kind === 'ask' && decision.question).toMatch(/couldn't match that to a process/);
    expect(rig.log.entries().some((entry) => entry.msg === 'LLM answer not usable as given')).toBe(true);
  });

  it('asks, and never runs, when the arguments are not a JSON object', async () => {
    rig.server.toolCall('run_reset-vpn', '{"user_email": "ann@exa');
    rig.server.toolCall('run_reset-vpn', '["ann@example.com"]');

    const truncated = await rig.router.route(buildInput());
    const notAnObject = await rig.router.route(buildInput());

    for (const decision of [truncated, notAnObject]) {
      expect(decision).toMatchObject({ kind: 'ask', processId: 'reset-vpn', via: 'llm' });
      expect(decision.kind === 'ask' && decision.question).toContain('Reset VPN profile');
    }
  });

  it('asks when the model calls a candidate that was not shortlisted (not offered)', async () => {
    const narrow = await startRouterRig({ k: 1 });
    try {
      narrow.server.toolCall('run_refresh-dashboard', { dashboard: 'sales' });

      const decision = await narrow.router.route(buildInput({ text: 'my vpn keeps disconnecting' }));

      expect(toolsOf(narrow.server).map((tool) => tool.function.name)).toEqual(['run_reset-vpn']);
      expect(decision.kind).toBe('ask');
    } finally {
      await narrow.close();
    }
  });

  it('takes the first valid tool call and ignores the rest', async () => {
    rig.server.reply(() => ({
      toolCalls: [
        { name: 'run_not-offered', arguments: {} },
        { name: 'run_reset-vpn', arguments: { user_email: 'ann@example.com' } },
        { name: 'run_restart-service', arguments: { service: 'payments-api', environment: null } },
      ],
    }));

    const decision = await rig.router.route(buildInput());

    expect(decision).toMatchObject({
      kind: 'run',
      processId: 'reset-vpn',
      parameters: { user_email: 'ann@example.com' },
    });
  });

  it('passes a text answer (a question) to the user', async () => {
    rig.server.text('Do you want to restart payments-api in staging or in production?');

    const decision = await rig.router.route(buildInput({ text: 'restart payments-api' }));

    expect(decision).toEqual({
      kind: 'ask',
      question: 'Do you want to restart payments-api in staging or in production?',
      via: 'llm',
      usage: expect.any(Object),
    });
  });

  it('turns "no process fits" into out of scope with the closest processes as suggestions', async () => {
    rig.server.text(`NO_MATCH: I can't order pizza, but here is what I can do.`);
    rig.server.refusal("I can't help with that.");

    const noMatch = await rig.router.route(buildInput({ text: 'order me a pizza' }));
    const refusal = await rig.router.route(buildInput({ text: 'order me a pizza' }));

    expect(noMatch).toMatchObject({
      kind: 'out_of_scope',
      text: "I can't order pizza, but here is what I can do.",
      via: 'llm',
    });
    expect(refusal).toMatchObject({ kind: 'out_of_scope', text: "I can't help with that." });
    for (const decision of [noMatch, refusal]) {
      const suggestions = decision.kind === 'out_of_scope' ? decision.suggestions : [];
      expect(suggestions).toHaveLength(3);
      expect([...suggestions].sort()).toEqual(['refresh-dashboard', 'reset-vpn', 'restart-service']);
    }
  });

  it('asks a generic question when the model answers nothing', async () => {
    rig.server.reply(() => ({ content: '   ' }));

    const decision = await rig.router.route(buildInput());

    expect(decision).toMatchObject({
      kind: 'ask',
      question: 'Could you tell me a bit more about what you need?',
    });
  });

  it('treats an answer in a shape the API never sends as data, not a crash', async () => {
    rig.server.reply(() => ({
      status: 200,
      body: {
        choices: [
          { message: { role: 'assistant', content: ['x'], tool_calls: [{ type: 'function' }, 'junk'] } },
        ],
      },
    }));
    rig.server.reply(() => ({ status: 200, body: { object: 'chat.completion' } }));

    const badCalls = await rig.router.route(buildInput());
    const noChoices = await rig.router.route(buildInput());

    expect(badCalls).toEqual({ kind: 'ask', question: expect.stringMatching(/couldn't match/), via: 'llm' });
    expect(noChoices).toEqual({
      kind: 'ask',
      question: 'Could you tell me a bit more about what you need?',
      via: 'llm',
    });
    expect(rig.fallback.inputs).toHaveLength(0);
  });

  it('answers out of scope without a model call when the requester may use no process', async () => {
    const decision = await rig.router.route(buildInput({ candidates: [] }));

    expect(decision).toMatchObject({ kind: 'out_of_scope', suggestions: [], via: 'llm' });
    expect(rig.server.requests).toHaveLength(0);
  });

  it('reports token usage in the decision, to onUsage and in a debug log line', async () => {
    rig.server.toolCall('run_reset-vpn', { user_email: 'ann@example.com' });

    const decision = await rig.router.route(buildInput());

    const expectedPrompt = estimateTokens(rig.server.requests[0].chars);
    const expectedCompletion = estimateTokens(
      'run_reset-vpn'.length + '{"user_email":"ann@example.com"}'.length,
    );
    expect(decision.usage).toEqual({ promptTokens: expectedPrompt, completionTokens: expectedCompletion });
    expect(rig.usage).toEqual([
      { promptTokens: expectedPrompt, completionTokens: expectedCompletion, model: 'gpt-test' },
    ]);
    const line = rig.log.entries().find((entry) => entry.msg === 'LLM routing decision');
    expect(line).toMatchObject({
      level: 20,
      component: 'llm-router',
      model: 'gpt-test',
      promptTokens: expectedPrompt,
      completionTokens: expectedCompletion,
      tools: 3,
      outcome: 'run',
    });
  });

  it('never logs the prompt, the user text or the API key', async () => {
    rig.server.toolCall('run_reset-vpn', '{"user_email": broken');

    await rig.router.route(buildInput({ text: 'my secret vpn trouble at home' }));

    const logs = rig.log.text();
    expect(logs).not.toContain('my secret vpn trouble');
    expect(logs).not.toContain(rig.server.apiKey);
    expect(logs).not.toContain('Never invent');
  });
});

describe('LLM router follow-ups on a pending draft', () => {
  let rig: RouterRig;

  beforeEach(async () => {
    rig = await startRouterRig({ k: 1 });
  });

  afterEach(async () => {
    await rig.close();
  });

  const pending = { process: restartService, parameters: { service: 'payments-api' }, missing: [] };

  it('always offers the pending draft process, even when the shortlist would not', async () => {
    rig.server.text('OK?');

    await rig.router.route(buildInput({ text: 'my vpn keeps disconnecting', pending }));

    expect(toolsOf(rig.server).map((tool) => tool.function.name)).toEqual(['run_restart-service']);
  });

  it('completes "make it staging instead" by changing only what the user changed', async () => {
    rig.server.toolCall('run_restart-service', { service: null, environment: 'staging' });

    const decision = await rig.router.route(buildInput({ text: 'make it staging instead', pending }));

    expect(decision).toMatchObject({
      kind: 'run',
      processId: 'restart-service',
      parameters: { service: 'payments-api', environment: 'staging' },
    });
  });

  it('keeps the draft when the model asks a question about it', async () => {
    rig.server.text('Staging or production?');

    const decision = await rig.router.route(buildInput({ text: 'hmm', pending }));

    expect(decision).toMatchObject({
      kind: 'ask',
      question: 'Staging or production?',
      processId: 'restart-service',
      parameters: { service: 'payments-api' },
    });
  });

  it('uses earlier user turns to shortlist a short follow-up', async () => {
    rig.server.text('Which dashboard?');
    const thread = buildInput().thread;

    await rig.router.route(
      buildInput({
        text: 'the sales one',
        context: {
          thread,
          turns: [{ role: 'user', text: 'refresh the Q3 dashboard', at: '2025-06-10T07:00:00.000Z' }],
          updatedAt: '2025-06-10T07:00:00.000Z',
        },
      }),
    );

    expect(rig.shortlister.calls[0].text).toBe('refresh the Q3 dashboard\nthe sales one');
    expect(toolsOf(rig.server).map((tool) => tool.function.name)).toEqual(['run_refresh-dashboard']);
  });
});

describe('LLM router tool list size', () => {
  const catalog = Array.from({ length: 150 }, (_, index) =>
    buildProcess({
      id: `process-${index}`,
      title: `Process ${index}`,
      description: `Handles case number ${index}.`,
      examples: [`please handle case ${index}`],
      parameters:
        index % 3 === 0
          ? {
              ticket: { type: 'string', pattern: '^INC[0-9]+$' },
              when: { type: 'string', format: 'date-time' },
            }
          : { count: { type: 'integer', minimum: 1 }, note: { type: 'string', maxLength: 200, default: '' } },
      required: index % 3 === 0 ? ['ticket'] : [],
    }),
  );
  const schemas = new Map(
    catalog.filter((_, index) => index % 5 === 0).map((process) => [process.id, prefectSchema]),
  );

  it.each([
    [8, 8],
    [500, 128],
  ])(
    'with k=%i offers %i tools from a 150-process catalog, each with a strict-compatible schema',
    async (k, expected) => {
      const rig = await startRouterRig({ k });
      try {
        rig.server.text('Which case?');

        const decision = await rig.router.route(
          buildInput({ text: 'handle case 42', candidates: catalog, schemas }),
        );

        // The fake rejects (400) what the real API rejects: more than 128 tools or a non-strict schema.
        expect(decision.kind).toBe('ask');
        const tools = toolsOf(rig.server);
        expect(tools).toHaveLength(expected);
        for (const tool of tools) {
          expect(tool.function.strict).toBe(true);
          expect(isStrictCompatible(tool.function.parameters)).toEqual([]);
        }
        expect(new Set(tools.map((tool) => tool.function.name)).size).toBe(expected);
      } finally {
        await rig.close();
      }
    },
  );

  it('puts the best-scoring processes first', async () => {
    const rig = await startRouterRig({ k: 3 });
    try {
      rig.server.text('?');
      await rig.router.route(
        buildInput({
          text: 'refresh the sales dashboard',
          candidates: [resetVpn, restartService, refreshDashboard],
        }),
      );
      expect(toolsOf(rig.server)[0].function.name).toBe('run_refresh-dashboard');
    } finally {
      await rig.close();
    }
  });
});

describe('LLM router with the real routing index as its shortlist', () => {
  it('offers the processes the index ranks best among the candidates', async () => {
    const index = buildRoutingIndex([resetVpn, restartService, refreshDashboard, restartProduction]);
    const rig = await startRouterRig({ shortlister: index, k: 1 });
    try {
      rig.server.toolCall('run_refresh-dashboard', { dashboard: 'sales', quarter: 'Q3' });

      const decision = await rig.router.route(buildInput({ text: 'please refresh the Q3 sales dashboard' }));

      expect(toolsOf(rig.server).map((tool) => tool.function.name)).toEqual(['run_refresh-dashboard']);
      expect(decision).toMatchObject({
        kind: 'run',
        processId: 'refresh-dashboard',
        parameters: { dashboard: 'sales', quarter: 'Q3' },
      });
    } finally {
      await rig.close();
    }
  });
});
