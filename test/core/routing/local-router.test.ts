import type { RoutingDecision, RoutingInput } from '../../../src/core/ports';
import { createLocalRouter, DEFAULT_LOCAL_THRESHOLD } from '../../../src/core/routing/local-router';
import { buildRoutingIndex } from '../../../src/core/routing/routing-index';
import type { ParameterValues, ProcessDef } from '../../../src/core/types';
import {
  BACKFILL_TABLE,
  GENERATE_REPORT,
  GRANT_APP_ACCESS,
  RESET_VPN,
  RESTART_SERVICE,
  ROTATE_CREDENTIAL,
  SERVICE_DESK,
} from './service-desk-catalog';

// Saturday 25 Oct 2025, 12:00 in Paris; DST ends the next night.
const NOW = new Date('2025-10-25T10:00:00Z');
const index = buildRoutingIndex(SERVICE_DESK);
const router = createLocalRouter({ index });

function input(text: string, extra: Partial<RoutingInput> = {}): RoutingInput {
  return {
    text,
    requester: { id: 'U1', name: 'Ann', email: 'ann@example.com', tz: 'Europe/Paris' },
    thread: { channel: 'C1', threadTs: '1.0', isDm: false },
    context: null,
    candidates: SERVICE_DESK,
    now: NOW,
    ...extra,
  };
}

function pending(process: ProcessDef, parameters: ParameterValues, missing: string[]) {
  return { pending: { process, parameters, missing } };
}

function runOf(decision: RoutingDecision) {
  if (decision.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(decision)}`);
  return decision;
}

describe('createLocalRouter', () => {
  it('runs an alias without classifying, via "alias"', async () => {
    expect(await router.route(input('restart payments-api in prod'))).toEqual({
      kind: 'run',
      processId: 'restart-service',
      parameters: { service: 'payments-api', environment: 'production' },
      via: 'alias',
      confidence: 1,
    });
  });

  it('runs an alias said with a time at that time, the time kept out of the captures', async () => {
    const decision = runOf(await router.route(input('restart payments-api in prod tomorrow at 9')));
    expect(decision).toMatchObject({
      processId: 'restart-service',
      parameters: { service: 'payments-api', environment: 'production' },
      via: 'alias',
      scheduledAt: '2025-10-26T08:00:00.000Z',
    });
  });

  it('runs the best process with the parameters found in the message', async () => {
    const decision = runOf(await router.route(input('Please give bob@example.com editor access to Jira')));
    expect(decision).toMatchObject({
      processId: 'grant-app-access',
      parameters: { app: 'jira', user_email: 'bob@example.com', role: 'editor' },
      via: 'local',
    });
    expect(decision.confidence).toBeGreaterThanOrEqual(DEFAULT_LOCAL_THRESHOLD);
    expect(decision.scheduledAt).toBeUndefined();
  });

  it('schedules "tomorrow at 9" in the requester zone and does not read it as a start date', async () => {
    const decision = runOf(
      await router.route(input('backfill the orders table since monday, run it tomorrow at 9')),
    );
    expect(decision.processId).toBe('backfill-table');
    expect(decision.scheduledAt).toBe('2025-10-26T08:00:00.000Z');
    expect(decision.parameters).toEqual({ table: 'orders', start_date: '2025-10-20' });
  });

  it('answers out of scope with the three closest candidates', async () => {
    const decision = await router.route(input('what is the weather in lisbon tomorrow'));
    expect(decision.kind).toBe('out_of_scope');
    if (decision.kind !== 'out_of_scope') return;
    expect(decision.suggestions).toHaveLength(3);
    expect(new Set(decision.suggestions).size).toBe(3);
    for (const id of decision.suggestions) expect(SERVICE_DESK.map((process) => process.id)).toContain(id);
  });

  it('never runs, suggests or alias-matches a process outside the candidates', async () => {
    const visible = SERVICE_DESK.filter((process) => process.id !== RESET_VPN.id);
    for (const text of ['my vpn keeps disconnecting, reset it', 'reset vpn for ann@example.com']) {
      const decision = await router.route(input(text, { candidates: visible }));
      const mentioned = decision.kind === 'out_of_scope' ? decision.suggestions : [decision.processId];
      expect(mentioned).not.toContain(RESET_VPN.id);
    }
    expect(await router.route(input('reset my vpn', { candidates: [] }))).toEqual({
      kind: 'out_of_scope',
      suggestions: [],
      via: 'local',
    });
  });

  it('uses the merged schema of the process when the caller has it', async () => {
    const bare: ProcessDef = { ...ROTATE_CREDENTIAL, parameters: {} };
    const schemas = new Map([
      [
        bare.id,
        { type: 'object', properties: { environment: { type: 'string', enum: ['live', 'sandbox'] } } },
      ],
    ]);
    const decision = runOf(
      await router.route(input('rotate the stripe api key in sandbox', { candidates: [bare], schemas })),
    );
    expect(decision.parameters).toEqual({ environment: 'sandbox' });
  });

  it('honours its threshold', async () => {
    const strict = createLocalRouter({ index, threshold: 1.01 });
    expect((await strict.route(input('restart search in prod please'))).kind).toBe('out_of_scope');
    const lax = createLocalRouter({ index, threshold: 0 });
    expect((await lax.route(input('what is the weather'))).kind).toBe('run');
  });

  it('reads times as UTC, and says so, when the requester zone is unknown', async () => {
    const decision = runOf(
      await router.route(
        input('restart search in staging tomorrow at 9', {
          requester: { id: 'U1', name: 'Ann', tz: 'Nowhere/Special' },
        }),
      ),
    );
    expect(decision.scheduledAt).toBe('2025-10-26T09:00:00.000Z');
    expect(decision.notices?.[0]).toContain('Nowhere/Special');
  });
});

describe('createLocalRouter with a pending draft', () => {
  it('fills a missing enum from the reply', async () => {
    const decision = await router.route(
      input('staging', pending(RESTART_SERVICE, { service: 'payments-api' }, ['environment'])),
    );
    expect(decision).toEqual({
      kind: 'run',
      processId: 'restart-service',
      parameters: { service: 'payments-api', environment: 'staging' },
      via: 'local',
    });
  });

  it('overrides an existing value: "make it staging instead"', async () => {
    const decision = runOf(
      await router.route(
        input(
          'make it stage instead',
          pending(RESTART_SERVICE, { service: 'search', environment: 'production' }, []),
        ),
      ),
    );
    expect(decision.parameters).toEqual({ service: 'search', environment: 'staging' });
  });

  it('takes the reply itself for the one missing free-text parameter', async () => {
    const decision = runOf(
      await router.route(
        input('  sessions_v2. ', pending(BACKFILL_TABLE, { start_date: '2025-10-01' }, ['table'])),
      ),
    );
    expect(decision.parameters).toEqual({ start_date: '2025-10-01', table: 'sessions_v2' });
  });

  it('does not take the reply as a value it cannot be', async () => {
    // user_email is an e-mail: "not sure" is not taken, the engine asks again.
    const decision = runOf(
      await router.route(input('not sure', pending(GRANT_APP_ACCESS, { app: 'jira' }, ['user_email']))),
    );
    expect(decision.parameters).toEqual({ app: 'jira' });
  });

  it('fills e-mail and dates from the reply, and a schedule', async () => {
    const decision = runOf(
      await router.route(
        input(
          'for carol@example.com, from october 1 to october 15, run it at 6pm',
          pending(GENERATE_REPORT, { report: 'churn' }, []),
        ),
      ),
    );
    expect(decision.processId).toBe('generate-report');
    expect(decision.parameters).toEqual({
      report: 'churn',
      start_date: '2025-10-01',
      end_date: '2025-10-15',
    });
    expect(decision.scheduledAt).toBe('2025-10-25T16:00:00.000Z');
  });

  it('starts a new request when the message clearly asks for another process', async () => {
    const decision = runOf(
      await router.route(
        input('my vpn keeps disconnecting, can you reset it', pending(BACKFILL_TABLE, {}, ['table'])),
      ),
    );
    expect(decision.processId).toBe('reset-vpn');
  });

  it('ignores a pending draft for a process the requester can no longer use', async () => {
    const visible = SERVICE_DESK.filter((process) => process.id !== RESTART_SERVICE.id);
    const decision = await router.route(
      input('staging', {
        ...pending(RESTART_SERVICE, { service: 'search' }, ['environment']),
        candidates: visible,
      }),
    );
    expect(decision.kind === 'run' ? decision.processId : null).not.toBe('restart-service');
  });
});
