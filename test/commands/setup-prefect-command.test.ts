import { randomUUID } from 'node:crypto';
import {
  DEFAULT_AUTOMATION_NAME,
  DEFAULT_BLOCK_NAME,
  runSetupPrefect,
  type SetupPrefectOptions,
} from '../../src/commands/setup-prefect-command';
import { FakePrefectServer, type RecordedRequest } from '../fakes/fake-prefect-server';
import { OpenApiRequestValidator } from '../fakes/prefect/openapi-request-validator';

const SECRET = `whsec-${randomUUID()}`;
const WEBHOOK_URL = 'https://flowdesk.example.com/webhooks/prefect';

const isWrite = (request: RecordedRequest) => request.method !== 'GET' && !request.path.endsWith('/filter');

describe('flowdesk setup-prefect', () => {
  let prefect: FakePrefectServer;
  let apiUrl: string;
  let output: string[];

  beforeEach(async () => {
    prefect = new FakePrefectServer();
    apiUrl = await prefect.start();
    output = [];
  });

  afterEach(async () => {
    await prefect.stop();
  });

  const run = (overrides: Partial<SetupPrefectOptions> = {}) =>
    runSetupPrefect({
      prefectApiUrl: apiUrl,
      webhookUrl: WEBHOOK_URL,
      secret: SECRET,
      dryRun: false,
      print: (line) => output.push(line),
      ...overrides,
    });

  const text = () => output.join('\n');

  it('creates the webhook block and the automation, with bodies Prefect accepts', async () => {
    expect(await run()).toBe(0);

    const writes = prefect.requests.filter(isWrite);
    expect(writes.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /block_documents/ 201',
      'POST /automations/ 201',
    ]);
    const validator = new OpenApiRequestValidator();
    for (const request of prefect.requests) {
      expect(validator.validateBody(request.method, templateOf(request.path), request.body)).toEqual([]);
    }

    const [block] = prefect.blocks.blockDocuments();
    expect(block).toMatchObject({ name: DEFAULT_BLOCK_NAME, block_type_name: 'Webhook' });
    expect(block!.data).toEqual({
      url: WEBHOOK_URL,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
    });

    const [automation] = prefect.blocks.automations();
    expect(automation).toMatchObject({
      name: DEFAULT_AUTOMATION_NAME,
      enabled: true,
      trigger: {
        type: 'event',
        posture: 'Reactive',
        expect: ['prefect.flow-run.*'],
        match: { 'prefect.resource.id': 'prefect.flow-run.*' },
        match_related: { 'prefect.resource.role': 'tag', 'prefect.resource.id': 'prefect.tag.flowdesk' },
        threshold: 1,
        within: 0,
      },
      actions: [{ type: 'call-webhook', block_document_id: block!.id, payload: '{{ event | tojson }}' }],
    });
    expect(text()).toMatch(/Webhook block "flowdesk-webhook": created/);
    expect(text()).toMatch(/Automation "flowdesk: forward flow-run events": created/);
    expect(text()).not.toContain(SECRET);
  });

  it('changes nothing on a second run', async () => {
    expect(await run()).toBe(0);
    prefect.requests.length = 0;
    output = [];

    expect(await run()).toBe(0);
    expect(prefect.requests.filter(isWrite)).toEqual([]);
    expect(text()).toMatch(/Webhook block "flowdesk-webhook": already up to date/);
    expect(text()).toMatch(/Automation "flowdesk: forward flow-run events": already up to date/);
    expect(text()).toMatch(/nothing changed/);
  });

  it('updates only the block when the secret changes', async () => {
    expect(await run()).toBe(0);
    prefect.requests.length = 0;
    const newSecret = `rotated-${randomUUID()}`;

    expect(await run({ secret: newSecret })).toBe(0);
    expect(prefect.requests.filter(isWrite).map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 204']);
    const [block] = prefect.blocks.blockDocuments();
    expect((block!.data as { headers: Record<string, string> }).headers.Authorization).toBe(
      `Bearer ${newSecret}`,
    );
    expect(text()).toMatch(/Webhook block "flowdesk-webhook": updated/);
    expect(text()).not.toContain(newSecret);
  });

  it('puts the automation back when someone changed it in Prefect', async () => {
    expect(await run()).toBe(0);
    const [created] = prefect.blocks.automations();
    prefect.blocks.replaceAutomation(created!.id, {
      name: created!.name,
      trigger: {
        type: 'event',
        posture: 'Reactive',
        expect: ['prefect.flow-run.Completed'],
        threshold: 1,
        within: 0,
      },
      actions: created!.actions,
      enabled: false,
    });
    prefect.requests.length = 0;

    expect(await run()).toBe(0);
    expect(prefect.requests.filter(isWrite).map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 204']);
    expect(prefect.blocks.automation(created!.id)).toMatchObject({
      enabled: true,
      trigger: { expect: ['prefect.flow-run.*'] },
    });
    expect(text()).toMatch(/Automation "flowdesk: forward flow-run events": updated/);
  });

  it('dry run: prints the bodies with the secret masked and writes nothing', async () => {
    expect(await run({ dryRun: true })).toBe(0);
    expect(prefect.requests.filter(isWrite)).toEqual([]);
    expect(prefect.blocks.blockDocuments()).toEqual([]);
    expect(prefect.blocks.automations()).toEqual([]);
    expect(text()).toContain('POST /block_documents/');
    expect(text()).toContain('POST /automations/');
    expect(text()).toContain('"Authorization": "Bearer ********"');
    expect(text()).toContain('{{ event | tojson }}');
    expect(text()).toMatch(/would be created/);
    expect(text()).not.toContain(SECRET);
  });

  it('dry run with an outdated block masks the old secret read back from Prefect too', async () => {
    const oldSecret = `old-${randomUUID()}`;
    expect(await run({ secret: oldSecret })).toBe(0);
    prefect.requests.length = 0;
    output = [];

    expect(await run({ dryRun: true })).toBe(0);
    expect(prefect.requests.filter(isWrite)).toEqual([]);
    expect(text()).toMatch(/PATCH \/block_documents\//);
    expect(text()).toMatch(/would be updated/);
    expect(text()).not.toContain(oldSecret);
    expect(text()).not.toContain(SECRET);
  });

  it('sends the Prefect credentials: Cloud API key as Bearer, self-hosted auth string as Basic', async () => {
    await prefect.stop();
    prefect = new FakePrefectServer({ auth: { apiKey: 'pnb_test_key_123' } });
    apiUrl = await prefect.start();
    expect(await run({ apiKey: 'pnb_test_key_123' })).toBe(0);

    await prefect.stop();
    prefect = new FakePrefectServer({ auth: { authString: 'admin:pw-1234' } });
    apiUrl = await prefect.start();
    expect(await run({ authString: 'admin:pw-1234' })).toBe(0);
    expect(text()).not.toContain('pnb_test_key_123');
  });

  it('explains a 401 and exits 1', async () => {
    await prefect.stop();
    prefect = new FakePrefectServer({ auth: { apiKey: 'pnb_right' } });
    apiUrl = await prefect.start();
    expect(await run({ apiKey: 'pnb_wrong_key' })).toBe(1);
    expect(text()).toMatch(/refused the credentials.*PREFECT_API_KEY/);
    expect(text()).not.toContain('pnb_wrong_key');
    expect(prefect.blocks.blockDocuments()).toEqual([]);
  });

  it('explains that Prefect is unreachable and exits 1', async () => {
    await prefect.stop();
    expect(await run({ prefectApiUrl: apiUrl })).toBe(1);
    expect(text()).toMatch(/cannot reach Prefect at http:\/\/127\.0\.0\.1:\d+\/api/);
  });

  it('a dry run without Prefect still shows what would be created, masked', async () => {
    await prefect.stop();
    expect(await run({ dryRun: true })).toBe(1);
    expect(text()).toContain('POST /automations/');
    expect(text()).toContain('"Authorization": "Bearer ********"');
    expect(text()).not.toContain(SECRET);
  });

  it('reports a rejected body without echoing it (Prefect 422s include the request body)', async () => {
    prefect.failNext('POST', '/automations/', 422, {
      body: {
        exception_message: 'Invalid request received.',
        exception_detail: [{ loc: ['body', 'trigger', 'posture'], msg: 'Field required', type: 'missing' }],
        request_body: { headers: { Authorization: `Bearer ${SECRET}` } },
      },
    });
    expect(await run()).toBe(1);
    expect(text()).toMatch(/trigger\.posture: Field required/);
    expect(text()).not.toContain(SECRET);
  });

  it.each([
    [{ webhookUrl: 'not a url' }, /--webhook-url must be an absolute http\(s\) URL/],
    [{ webhookUrl: 'ftp://flowdesk.example.com/webhooks/prefect' }, /must use http or https/],
    [{ secret: '' }, /FLOWDESK_WEBHOOK_SECRET must be set/],
    [{ secret: 'short' }, /FLOWDESK_WEBHOOK_SECRET must be set/],
  ])('refuses %p before calling Prefect', async (overrides, message) => {
    expect(await run(overrides)).toBe(1);
    expect(text()).toMatch(message);
    expect(prefect.requests).toEqual([]);
  });

  it('notes a webhook URL that does not point at /webhooks/prefect', async () => {
    expect(await run({ webhookUrl: 'https://flowdesk.example.com/hooks' })).toBe(0);
    expect(text()).toMatch(/flowdesk receives Prefect events on \/webhooks\/prefect/);
  });
});

/** The OpenAPI path template of a recorded request path. */
function templateOf(path: string): string {
  return path
    .replace(/\/[0-9a-f-]{36}$/, '/{id}')
    .replace(/^\/block_types\/slug\/[^/]+$/, '/block_types/slug/{slug}');
}
