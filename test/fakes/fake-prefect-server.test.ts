import fs from 'node:fs';
import path from 'node:path';
import { type DeploymentResponse, FakePrefectServer, type FlowRunResponse } from './fake-prefect-server';
import { EXAMPLES_DIR } from './prefect/fake-prefect-model';

const readExample = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name), 'utf8')) as Record<string, unknown>;
const exampleDeployment = readExample('deployment-response.json') as unknown as DeploymentResponse;

let prefect: FakePrefectServer;
let api: string;

async function call(method: string, apiPath: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api}${apiPath}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    json: json as Record<string, unknown> & unknown[],
    text,
    headers: response.headers,
  };
}

const firstId = (list: unknown): string => (list as Array<{ id: string }>)[0].id;

function addReportsDeployment() {
  return prefect.addDeployment({
    flowName: 'refresh-reports',
    name: 'nightly',
    parameterSchema: exampleDeployment.parameter_openapi_schema,
    parameters: { region: 'eu-west-1' },
    tags: ['reports'],
  });
}

const waitFor = async (check: () => boolean, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

beforeAll(async () => {
  prefect = new FakePrefectServer();
  api = await prefect.start();
});
afterAll(() => prefect.stop());
beforeEach(() => {
  prefect.reset();
  prefect.autoProgress = undefined;
});

describe('request validation against openapi.json', () => {
  it('rejects an unknown key in create_flow_run with Prefect 422 shape and creates nothing', async () => {
    const deployment = addReportsDeployment();
    const body = { parameters: { report_name: 'revenue' }, idempotency_key: 'k1', colour: 'blue' };
    const answer = await call('POST', `/deployments/${deployment.id}/create_flow_run`, body);
    expect(answer.status).toBe(422);
    expect(answer.json.exception_message).toBe('Invalid request received.');
    expect(answer.json.exception_detail).toEqual([
      {
        type: 'extra_forbidden',
        loc: ['body', 'colour'],
        msg: 'Extra inputs are not permitted',
        input: 'blue',
      },
    ]);
    expect(answer.json.request_body).toEqual(body);
    expect(prefect.runs()).toHaveLength(0);
  });

  it.each([
    [
      'a nested filter key',
      { flow_runs: { idd: { any_: [] } } },
      ['body', 'flow_runs', 'idd'],
      'extra_forbidden',
    ],
    ['a top-level key of a filter body', { limt: 5 }, ['body', 'limt'], 'extra_forbidden'],
    [
      'a malformed uuid',
      { flow_runs: { id: { any_: ['run-1'] } } },
      ['body', 'flow_runs', 'id', 'any_', 0],
      'uuid_parsing',
    ],
    ['a limit above 200', { limit: 500 }, ['body', 'limit'], 'less_than_equal'],
  ])('rejects %s in POST /flow_runs/filter', async (_label, body, loc, type) => {
    const answer = await call('POST', '/flow_runs/filter', body);
    expect(answer.status).toBe(422);
    expect(answer.json.exception_detail).toEqual([expect.objectContaining({ loc, type })]);
  });

  it('rejects a bad enum, a missing body, invalid JSON and a malformed path id', async () => {
    const deployment = addReportsDeployment();
    const { run } = prefect.createRun(deployment.id, {});
    const badEnum = await call('POST', `/flow_runs/${run.id}/set_state`, { state: { type: 'STOPPED' } });
    expect(badEnum.status).toBe(422);
    expect(badEnum.json.exception_detail).toEqual([
      expect.objectContaining({ loc: ['body', 'state', 'type'], type: 'enum' }),
    ]);
    const missing = await call('POST', `/flow_runs/${run.id}/set_state`);
    expect(missing.json.exception_detail).toEqual([
      expect.objectContaining({ loc: ['body'], msg: 'Field required' }),
    ]);
    const garbage = await call('POST', '/flow_runs/filter', '{"limit": ');
    expect(garbage.json.exception_detail).toEqual([expect.objectContaining({ type: 'json_invalid' })]);
    const badId = await call('GET', '/flow_runs/not-a-uuid');
    expect(badId.status).toBe(422);
    expect(badId.json.exception_detail).toEqual([expect.objectContaining({ loc: ['path', 'id'] })]);
  });

  it('accepts valid bodies for every endpoint flowdesk uses', async () => {
    const deployment = addReportsDeployment();
    const created = await call('POST', `/deployments/${deployment.id}/create_flow_run`, {
      parameters: { report_name: 'revenue', mode: 'full' },
      idempotency_key: 'req-1',
      tags: ['flowdesk'],
      name: 'revenue-by-ann',
      state: {
        type: 'SCHEDULED',
        name: 'Scheduled',
        message: 'requested by ann',
        state_details: { scheduled_time: '2030-01-01T09:00:00.000Z' },
      },
    });
    expect(created.status).toBe(201);
    const runId = created.json.id as string;
    const filter = await call('POST', '/flow_runs/filter', {
      flow_runs: { id: { any_: [runId] } },
      limit: 1,
    });
    expect(filter.status).toBe(200);
    const logs = await call('POST', '/logs/filter', {
      logs: { flow_run_id: { any_: [runId] }, level: { ge_: 20 } },
      sort: 'TIMESTAMP_DESC',
      limit: 10,
    });
    expect(logs.status).toBe(200);
    const artifacts = await call('POST', '/artifacts/filter', {
      artifacts: { flow_run_id: { any_: [runId] } },
    });
    expect(artifacts.status).toBe(200);
    const resume = await call('POST', `/flow_runs/${runId}/resume`, { run_input: { approved: true } });
    expect(resume.status).toBe(200);
    const cancel = await call('POST', `/flow_runs/${runId}/set_state`, {
      state: { type: 'CANCELLING', name: 'Cancelling', message: 'no longer needed' },
      force: false,
    });
    expect(cancel.status).toBe(200);
    expect(prefect.requests.every((request) => request.status < 300)).toBe(true);
  });

  it('accepts the real automation example and block documents for setup-prefect', async () => {
    const webhookType = await call('GET', '/block_types/slug/webhook');
    expect(webhookType.status).toBe(200);
    const schemas = await call('POST', '/block_schemas/filter', {
      block_schemas: { block_type_id: { any_: [webhookType.json.id] } },
    });
    expect(schemas.json).toHaveLength(1);
    const document = await call('POST', '/block_documents/', {
      name: 'flowdesk',
      block_type_id: webhookType.json.id,
      block_schema_id: firstId(schemas.json),
      data: {
        url: 'https://bot.example/webhooks/prefect',
        method: 'POST',
        headers: { Authorization: 'Bearer s3cret' },
      },
    });
    expect(document.status).toBe(201);
    const duplicate = await call('POST', '/block_documents/', {
      name: 'flowdesk',
      block_type_id: webhookType.json.id,
      block_schema_id: firstId(schemas.json),
      data: {},
    });
    expect(duplicate.status).toBe(409);

    const listed = await call('POST', '/block_documents/filter', {
      block_documents: { name: { any_: ['flowdesk'] } },
    });
    expect((listed.json as unknown as Array<{ data: unknown }>)[0].data).toEqual({
      url: '********',
      method: 'POST',
      headers: { Authorization: '********' },
    });
    const patched = await call('PATCH', `/block_documents/${document.json.id}`, { data: { method: 'PUT' } });
    expect(patched.status).toBe(204);
    expect(prefect.blocks.blockDocument(document.json.id as string)?.data).toMatchObject({
      method: 'PUT',
      url: 'https://bot.example/webhooks/prefect',
    });

    const automation = readExample('automation-create-call-webhook.json');
    (automation.actions as Array<Record<string, unknown>>)[0].block_document_id = document.json.id;
    const createdAutomation = await call('POST', '/automations/', automation);
    expect(createdAutomation.status).toBe(201);
    const replaced = await call('PUT', `/automations/${createdAutomation.json.id}`, {
      ...automation,
      enabled: false,
    });
    expect(replaced.status).toBe(204);
    const found = await call('POST', '/automations/filter', {
      automations: { name: { any_: [automation.name] } },
    });
    expect(found.json).toEqual([expect.objectContaining({ id: createdAutomation.json.id, enabled: false })]);

    const misspelt = await call('POST', '/automations/', { ...automation, enabeld: true });
    expect(misspelt.status).toBe(422);
  });
});

describe('routing', () => {
  it('answers unknown routes 404, wrong methods 405, and redirects a missing trailing slash', async () => {
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { detail: 'Not Found' } });
    expect((await call('DELETE', '/health')).status).toBe(405);
    const redirect = await call('POST', '/block_documents', {});
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('/api/block_documents/');
  });

  it('answers 501 for a filter it does not implement instead of returning wrong data', async () => {
    const answer = await call('POST', '/flow_runs/filter', { flow_runs: { name: { like_: 'witty' } } });
    expect(answer.status).toBe(501);
  });

  it('requires the configured credentials except on /health', async () => {
    const secured = new FakePrefectServer({ auth: { authString: 'admin:pw' } });
    const url = await secured.start();
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/flow_runs/filter`, { method: 'POST', body: '{}' })).status).toBe(401);
      const ok = await fetch(`${url}/flow_runs/filter`, {
        method: 'POST',
        body: '{}',
        headers: { Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await secured.stop();
    }
  });
});

describe('flow runs', () => {
  it('validates parameters against the deployment schema with Prefect 409 message', async () => {
    const deployment = addReportsDeployment();
    const wrongType = await call('POST', `/deployments/${deployment.id}/create_flow_run`, {
      parameters: { report_name: 'revenue', dry_run: 'yes' },
    });
    expect(wrongType.status).toBe(409);
    expect(wrongType.json.detail).toBe(
      "Error creating flow run: Validation failed for field 'dry_run'. Failure reason: 'yes' is not of type 'boolean'",
    );
    const missing = await call('POST', `/deployments/${deployment.id}/create_flow_run`, { parameters: {} });
    expect(missing.json.detail).toBe(
      "Error creating flow run: Validation failed. Failure reason: 'report_name' is a required property",
    );
    const badEnum = await call('POST', `/deployments/${deployment.id}/create_flow_run`, {
      parameters: { report_name: 'x', region: 'mars-1' },
    });
    expect(badEnum.json.detail).toContain("Validation failed for field 'region'");
    expect(prefect.runs()).toHaveLength(0);
  });

  it('is idempotent per flow, merges parameters and unions tags', async () => {
    const nightly = addReportsDeployment();
    const adhoc = prefect.addDeployment({ flowName: 'refresh-reports', name: 'adhoc', tags: ['adhoc'] });
    const body = {
      parameters: { report_name: 'revenue' },
      idempotency_key: 'req-42',
      tags: ['flowdesk', 'reports'],
    };
    const first = await call('POST', `/deployments/${nightly.id}/create_flow_run`, body);
    const again = await call('POST', `/deployments/${adhoc.id}/create_flow_run`, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    const run = first.json as unknown as FlowRunResponse;
    expect(run.parameters).toEqual({ region: 'eu-west-1', report_name: 'revenue' });
    expect(run.tags).toEqual(['reports', 'flowdesk']);
    expect(run.state).toMatchObject({ type: 'SCHEDULED', name: 'Scheduled' });
    expect(run.state_type).toBe('SCHEDULED');
    expect(run.idempotency_key).toBe('req-42');
    expect(prefect.runs()).toHaveLength(1);
  });

  it('advances created runs with autoProgress and reports each state to listeners', async () => {
    prefect.autoProgress = { states: ['PENDING', 'RUNNING', 'COMPLETED'], stepMs: 5 };
    const seen: string[] = [];
    prefect.onStateChange((_run, state) => seen.push(state.type));
    const deployment = addReportsDeployment();
    const created = await call('POST', `/deployments/${deployment.id}/create_flow_run`, {
      parameters: { report_name: 'x' },
    });
    const runId = created.json.id as string;
    await waitFor(() => prefect.run(runId)?.state_type === 'COMPLETED');
    expect(seen).toEqual(['SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED']);
    const run = prefect.run(runId)!;
    expect(run.start_time).toBeTruthy();
    expect(run.end_time).toBeTruthy();
    expect(run.run_count).toBe(1);
    const timestamps = prefect.stateHistory(runId).map((state) => state.timestamp ?? '');
    expect([...timestamps].sort()).toEqual(timestamps);
    expect(new Set(timestamps).size).toBe(4);
  });

  it('builds state events shaped like the real Prefect event sample', async () => {
    const deployment = addReportsDeployment();
    const { run } = prefect.createRun(deployment.id, { tags: ['flowdesk'] });
    prefect.setRunState(run.id, 'RUNNING');
    prefect.setRunState(run.id, 'FAILED', 'Failed', 'KeyError: customer_id');
    const event = prefect.stateEvent(run.id);
    const sample = readExample('event-flow-run-failed.json');
    expect(Object.keys(event).sort()).toEqual(Object.keys(sample).sort());
    expect(Object.keys(event.resource).sort()).toEqual(Object.keys(sample.resource as object).sort());
    expect(event).toMatchObject({
      event: 'prefect.flow-run.Failed',
      resource: {
        'prefect.resource.id': `prefect.flow-run.${run.id}`,
        'prefect.state-type': 'FAILED',
        'prefect.state-message': 'KeyError: customer_id',
      },
      payload: { intended: { from: 'RUNNING', to: 'FAILED' } },
    });
    expect(event.related).toContainEqual({
      'prefect.resource.id': 'prefect.tag.flowdesk',
      'prefect.resource.role': 'tag',
    });
  });

  it('pauses a scripted run for input, validates the resume input and continues the script', async () => {
    const deployment = addReportsDeployment();
    const schema = {
      title: 'Approval',
      type: 'object',
      properties: { approved: { type: 'boolean' } },
      required: ['approved'],
    };
    prefect.scriptRun('next', [
      { type: 'RUNNING', afterMs: 1 },
      { type: 'PAUSED', afterMs: 1, input: { schema, description: 'Approve the refresh?' } },
      { type: 'COMPLETED', afterMs: 1 },
    ]);
    const { run } = prefect.createRun(deployment.id, {});
    await waitFor(() => prefect.run(run.id)?.state_type === 'PAUSED');
    const paused = prefect.run(run.id)!;
    expect(paused.state?.state_details?.run_input_keyset).toEqual({
      description: 'paused-1-description',
      response: 'paused-1-response',
      schema: 'paused-1-schema',
    });
    const description = await call('GET', `/flow_runs/${run.id}/input/paused-1-description`);
    expect(description.headers.get('content-type')).toContain('text/plain');
    expect(description.text).toBe('"Approve the refresh?"');

    const invalid = await call('POST', `/flow_runs/${run.id}/resume`, { run_input: { approved: 'sure' } });
    expect(invalid.json).toMatchObject({
      status: 'REJECT',
      details: { reason: expect.stringContaining('approved') },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(prefect.run(run.id)?.state_type).toBe('PAUSED');

    const valid = await call('POST', `/flow_runs/${run.id}/resume`, { run_input: { approved: true } });
    expect(valid.status).toBe(201);
    expect(valid.json).toMatchObject({ status: 'ACCEPT', state: { type: 'RUNNING' } });
    expect(prefect.runInput(run.id, 'paused-1-response')).toBe('{"approved":true}');
    await waitFor(() => prefect.run(run.id)?.state_type === 'COMPLETED');
  });

  it('applies the cancel rules: running → CANCELLING then CANCELLED, scheduled → CANCELLED, finished → ABORT', async () => {
    const deployment = addReportsDeployment();
    const cancelling = { state: { type: 'CANCELLING', name: 'Cancelling', message: 'stop' }, force: false };
    const running = prefect.createRun(deployment.id, {}).run;
    prefect.setRunState(running.id, 'RUNNING');
    const accepted = await call('POST', `/flow_runs/${running.id}/set_state`, cancelling);
    expect(accepted.status).toBe(201);
    expect(accepted.json).toMatchObject({ status: 'ACCEPT', state: { type: 'CANCELLING' } });
    await waitFor(() => prefect.run(running.id)?.state_type === 'CANCELLED');

    const scheduled = prefect.createRun(deployment.id, {}).run;
    const bypassed = await call('POST', `/flow_runs/${scheduled.id}/set_state`, cancelling);
    expect(bypassed.json).toMatchObject({ status: 'REJECT', state: { type: 'CANCELLED' } });

    const done = prefect.createRun(deployment.id, {}).run;
    prefect.setRunState(done.id, 'COMPLETED');
    const aborted = await call('POST', `/flow_runs/${done.id}/set_state`, cancelling);
    expect(aborted.json).toEqual({
      state: null,
      status: 'ABORT',
      details: { type: 'abort_details', reason: 'Run is already in terminal state COMPLETED.' },
    });
  });
});

describe('fault injection', () => {
  it('fails, delays and drops only the matching requests, as many times as asked', async () => {
    prefect.failNext('GET', '/health', 503, { times: 2, retryAfter: 7 });
    const first = await call('GET', '/health');
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.json).toEqual({ exception_message: 'Service Unavailable' });
    expect((await call('GET', '/health')).status).toBe(503);
    expect((await call('GET', '/health')).status).toBe(200);

    prefect.delayNext('POST', /^\/flow_runs\//, 60);
    const started = Date.now();
    await call('POST', '/flow_runs/filter', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);

    prefect.dropNext('*', '/health');
    await expect(fetch(`${api}/health`)).rejects.toThrow();
    expect(prefect.requestsTo('GET', '/health').map((request) => request.status)).toEqual([503, 503, 200, 0]);
  });
});
