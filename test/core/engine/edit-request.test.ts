import { createHarness, runDecision, USERS } from './engine-harness';

async function setup() {
  const h = createHarness({
    route: () => runDecision('restart-service', { service: 'payments-api', environment: 'production' }),
  });
  const replies = await h.say('restart payments-api in production');
  const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
  return { h, requestId };
}

describe('edit', () => {
  it('editForm returns the merged schema (refs resolved, defaults) for the requester', async () => {
    const { h, requestId } = await setup();
    const form = await h.engine.editForm({ actor: USERS.ann, requestId });
    expect(form.process.id).toBe('restart-service');
    expect(form.schema.properties).toMatchObject({
      service: { type: 'string', enum: ['payments-api', 'search-api'] },
      replicas: { type: 'integer', default: 1 },
    });
    expect(form.schema.required).toEqual(['service', 'environment']);
    await expect(h.engine.editForm({ actor: USERS.bob, requestId })).rejects.toMatchObject({
      code: 'not_allowed',
    });
  });

  it('rejects invalid values per field and changes nothing', async () => {
    const { h, requestId } = await setup();
    const before = await h.store.getRequest(requestId);
    const result = await h.engine.submitEdit({
      actor: USERS.ann,
      requestId,
      values: { environment: 'qa', replicas: 'zero' },
    });
    expect(result).toEqual({
      ok: false,
      errors: { environment: 'must be one of: staging, production', replicas: 'must be a whole number' },
    });
    expect(await h.store.getRequest(requestId)).toEqual(before);
  });

  it('applies valid values (coerced) and replies with a fresh card', async () => {
    const { h, requestId } = await setup();
    const result = await h.engine.submitEdit({
      actor: USERS.ann,
      requestId,
      values: { environment: 'staging', replicas: '3' },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.replies[0]).toMatchObject({
      kind: 'confirmation',
      request: { parameters: { service: 'payments-api', environment: 'staging', replicas: 3 } },
    });
    expect(h.audit.actions(requestId)).toEqual(['requested', 'edited']);
  });

  it('refuses to edit a request that already started', async () => {
    const { h, requestId } = await setup();
    await h.engine.confirm({ actor: USERS.ann, requestId });
    await expect(
      h.engine.submitEdit({ actor: USERS.ann, requestId, values: { replicas: 2 } }),
    ).rejects.toMatchObject({
      code: 'request_conflict',
    });
  });
});
