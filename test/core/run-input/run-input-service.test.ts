import { FlowdeskError } from '../../../src/core/errors';
import type { RunFollower } from '../../../src/core/run-follower';
import { createRunInputService, type RunInputDeps } from '../../../src/core/run-input/run-input-service';
import type { JsonSchema, RunState } from '../../../src/core/types';
import {
  catalogOf,
  createHarness,
  RESET_VPN,
  RESTART_SERVICE,
  runDecision,
  USERS,
} from '../engine/engine-harness';

const KEYSET = {
  schema: 'paused-1-schema',
  description: 'paused-1-description',
  response: 'paused-1-response',
};

/** What `pause_flow_run(wait_for_input=ResetChoice)` stores: a pydantic model with an enum under definitions. */
const CHOICE_SCHEMA = {
  title: 'ResetChoice',
  type: 'object',
  properties: {
    approved: { title: 'Approved', type: 'boolean' },
    scope: { $ref: '#/definitions/Scope', description: 'What to reset' },
    devices: { title: 'Devices', type: 'integer', minimum: 1 },
  },
  required: ['approved', 'scope'],
  definitions: { Scope: { title: 'Scope', enum: ['laptop', 'phone', 'all'], type: 'string' } },
};

function paused(at = '2025-06-12T10:05:00Z'): RunState {
  return { type: 'PAUSED', name: 'Paused', timestamp: at };
}

async function setup(
  options: { schema?: JsonSchema; description?: string; deps?: Partial<RunInputDeps> } = {},
) {
  const h = createHarness({ route: () => runDecision('reset-vpn') });
  const replies = await h.say('my vpn keeps disconnecting');
  const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
  await h.engine.confirm({ actor: USERS.ann, requestId });
  h.prefect.runInputs.set('run-1/paused-1-schema', JSON.stringify(options.schema ?? CHOICE_SCHEMA));
  if (options.description !== undefined)
    h.prefect.runInputs.set('run-1/paused-1-description', JSON.stringify(options.description));
  h.prefect.setState('run-1', paused(), { pauseInputKeyset: KEYSET });
  const applied: unknown[] = [];
  const follower: Pick<RunFollower, 'applySnapshot'> = {
    applySnapshot: async (update) => {
      applied.push(update);
      return 'updated';
    },
  };
  const service = createRunInputService({
    store: h.store,
    prefect: h.prefect,
    catalog: catalogOf([RESET_VPN, RESTART_SERVICE]),
    clock: h.clock,
    audit: h.audit,
    logger: h.logger,
    admins: [USERS.admin.id],
    directory: h.directory,
    follower,
    ...options.deps,
  });
  return { h, requestId, service, applied };
}

async function rejection(promise: Promise<unknown>): Promise<FlowdeskError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FlowdeskError) return error;
    throw error;
  }
  throw new Error('expected a FlowdeskError');
}

describe('run input: the form', () => {
  it('gives the requester the stored schema with definitions inlined, and the description text', async () => {
    const { service, requestId } = await setup({ description: 'Reset which devices?' });
    const form = await service.inputForm(USERS.ann, requestId);
    expect(form.request.id).toBe(requestId);
    expect(form.process?.id).toBe('reset-vpn');
    expect(form.description).toBe('Reset which devices?');
    expect(form.schema.definitions).toBeUndefined();
    expect((form.schema.properties as Record<string, JsonSchema>).scope).toEqual({
      title: 'Scope',
      enum: ['laptop', 'phone', 'all'],
      type: 'string',
      description: 'What to reset',
    });
  });

  it('has no description when the flow gave none', async () => {
    const { service, requestId } = await setup();
    expect((await service.inputForm(USERS.ann, requestId)).description).toBeUndefined();
  });

  it('lets an admin answer, but nobody else', async () => {
    const { service, requestId } = await setup();
    await expect(service.inputForm(USERS.admin, requestId)).resolves.toMatchObject({
      request: { id: requestId },
    });
    await expect(service.inputForm(USERS.bob, requestId, { isAdmin: true })).resolves.toBeDefined();
    const refused = await rejection(service.inputForm(USERS.bob, requestId));
    expect(refused.code).toBe('not_allowed');
    expect(refused.userMessage).toContain('Ann');
    const unknown = await rejection(service.inputForm(USERS.ann, 'no-such-request'));
    expect(unknown.code).toBe('request_not_found');
  });

  it('re-reads the run: a run that moved on has no form', async () => {
    const { h, service, requestId } = await setup();
    h.prefect.setState('run-1', { type: 'RUNNING', name: 'Running', timestamp: '2025-06-12T10:06:00Z' });
    const error = await rejection(service.inputForm(USERS.ann, requestId));
    expect(error.code).toBe('request_conflict');
    expect(error.userMessage).toBe('The run is no longer waiting for input (it is Running).');
  });

  it('says so in dry run, where there are no runs', async () => {
    const { service, requestId } = await setup({ deps: { prefect: null } });
    expect((await rejection(service.inputForm(USERS.ann, requestId))).code).toBe('not_allowed');
  });
});

describe('run input: submitting', () => {
  it('validates first: wrong fields are reported one by one and nothing is sent', async () => {
    const { h, service, requestId } = await setup();
    const result = await service.submitInput(USERS.ann, requestId, {
      approved: true,
      scope: 'tablet',
      devices: 0,
    });
    expect(result.outcome).toBe('invalid');
    if (result.outcome !== 'invalid') throw new Error('unreachable');
    expect(Object.keys(result.errors).sort()).toEqual(['devices', 'scope']);
    expect(result.errors.scope).toBe('must be one of: laptop, phone, all');
    expect(h.prefect.resumeCalls).toEqual([]);
    expect(h.audit.actions(requestId)).not.toContain('input_provided');
  });

  it('sends valid input (typed from text) with resume; ACCEPT continues the run, audited', async () => {
    const { h, service, requestId, applied } = await setup();
    const result = await service.submitInput(USERS.ann, requestId, {
      approved: 'true',
      scope: 'all',
      devices: '2',
    });
    expect(result).toMatchObject({ outcome: 'accepted', message: 'Input sent; the run continues.' });
    expect(h.prefect.resumeCalls).toEqual([
      { id: 'run-1', runInput: { approved: true, scope: 'all', devices: 2 } },
    ]);
    const entry = h.audit.entries.find((e) => e.action === 'input_provided');
    expect(entry).toMatchObject({ requestId, actor: USERS.ann.id, details: { flowRunId: 'run-1' } });
    expect(entry?.details?.fields).toEqual(['approved', 'scope', 'devices']);
    expect(applied).toHaveLength(1);
  });

  it('wraps nothing itself: a plain type paused as {value: T} is answered as {value: T}', async () => {
    const schema = {
      title: 'int',
      type: 'object',
      properties: { value: { title: 'Value', type: 'integer' } },
      required: ['value'],
    };
    const { h, service, requestId } = await setup({ schema });
    await service.submitInput(USERS.ann, requestId, { value: '42' });
    expect(h.prefect.resumeCalls[0].runInput).toEqual({ value: 42 });
  });

  it('REJECT naming a field becomes an error on that field', async () => {
    const { h, service, requestId } = await setup();
    h.prefect.resumeAnswer = {
      status: 'REJECT',
      reason: "Reason: Validation failed for field 'scope'. Failure reason: 'all' is not one of ['laptop']",
    };
    const result = await service.submitInput(USERS.ann, requestId, { approved: true, scope: 'all' });
    expect(result).toMatchObject({
      outcome: 'rejected',
      errors: { scope: "'all' is not one of ['laptop']" },
    });
    expect(h.audit.actions(requestId)).not.toContain('input_provided');
  });

  it('REJECT without a field is reported as a whole, with the reason', async () => {
    const { h, service, requestId } = await setup();
    h.prefect.resumeAnswer = { status: 'REJECT', reason: 'Reason: Run input schema not found.' };
    const result = await service.submitInput(USERS.ann, requestId, { approved: true, scope: 'all' });
    expect(result).toMatchObject({
      outcome: 'rejected',
      errors: {},
      message: 'Prefect did not accept the input: Run input schema not found.',
    });
  });

  it('ABORT says the run is no longer waiting, with Prefect’s reason', async () => {
    const { h, service, requestId, applied } = await setup();
    h.prefect.resumeAnswer = { status: 'ABORT', reason: 'Cannot resume a flow run that is not paused.' };
    const result = await service.submitInput(USERS.ann, requestId, { approved: false, scope: 'phone' });
    expect(result).toMatchObject({
      outcome: 'aborted',
      message: 'The run is no longer waiting for input (Cannot resume a flow run that is not paused).',
    });
    expect(applied).toEqual([]);
  });

  it('a run that is not paused any more is not resumed', async () => {
    const { h, service, requestId } = await setup();
    h.prefect.setState('run-1', { type: 'COMPLETED', name: 'Completed', timestamp: '2025-06-12T10:07:00Z' });
    const result = await service.submitInput(USERS.ann, requestId, { approved: true, scope: 'all' });
    expect(result).toMatchObject({
      outcome: 'aborted',
      message: 'The run is no longer waiting for input (it is Completed).',
    });
    expect(h.prefect.resumeCalls).toEqual([]);
  });

  it('refuses someone else; nothing is resumed', async () => {
    const { h, service, requestId } = await setup();
    const error = await rejection(
      service.submitInput(USERS.bob, requestId, { approved: true, scope: 'all' }),
    );
    expect(error.code).toBe('not_allowed');
    expect(h.prefect.resumeCalls).toEqual([]);
  });

  it('a broken follower does not turn an accepted answer into an error', async () => {
    const { h, service, requestId } = await setup({
      deps: {
        follower: {
          applySnapshot: async () => {
            throw new Error('redis went away');
          },
        },
      },
    });
    const result = await service.submitInput(USERS.ann, requestId, { approved: true, scope: 'all' });
    expect(result.outcome).toBe('accepted');
    expect(h.logger.entries.some((e) => e.msg === 'could not refresh the resumed run')).toBe(true);
  });
});
