/**
 * Property-based fuzzing of `POST /webhooks/prefect` over a real node:http server and a real Redis
 * stream: random methods, Authorization headers, content types, extra headers and bodies (valid
 * events, mutated samples, arbitrary JSON, text, bytes, oversized uploads, chunked or not). The
 * answer is always one of 202/400/401/405/413 and exactly the one the request deserves, the server
 * keeps serving, only an accepted event adds a stream entry, and the secret never reaches the logs.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { createPrefectWebhookHandler } from '../../src/adapters/webhooks/prefect-webhook-route';
import { parsePrefectEvent } from '../../src/core/prefect-event';
import { createWebhookTestEnv, listen, type WebhookTestEnv } from '../adapters/webhooks/webhook-test-env';
import { mutatedSampleEvent, validEventBody, validEventSpec } from './prefect-event-arbitraries';

const SEED = 20_261_125;
const SECRET = `whsec-fuzz-${randomUUID()}`;
const LIMIT = 8 * 1024;
const ALLOWED_STATUSES = [202, 400, 401, 405, 413];

interface Auth {
  header: string | undefined;
  valid: boolean;
}

interface FuzzRequest {
  method: string;
  auth: Auth;
  contentType: string | undefined;
  extraHeaders: Record<string, string>;
  /** Text is sent as UTF-8; bytes as they are (text keeps counterexamples readable). */
  body: string | Uint8Array;
  chunked: boolean;
}

interface FuzzResponse {
  status: number;
  body: string;
}

/** Header-safe text (what a client can put in a header at all). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
  maxLength: 60,
});

const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Auth>({ header: `Bearer ${SECRET}`, valid: true }) },
  fc.constantFrom<Auth>(
    { header: `bearer ${SECRET}`, valid: true },
    { header: `Bearer \t ${SECRET}\t`, valid: true },
    { header: undefined, valid: false },
    { header: '', valid: false },
    { header: 'Bearer', valid: false },
    { header: `Basic ${SECRET}`, valid: false },
    { header: `Bearer ${SECRET}x`, valid: false },
    { header: `Bearer ${SECRET.slice(0, -1)}`, valid: false },
    { header: `Bearer ${SECRET} ${SECRET}`, valid: false },
    { header: SECRET, valid: false },
  ),
  headerText.filter((h) => !h.includes(SECRET)).map((header) => ({ header, valid: false })),
);

const contentType = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
  ),
  headerText,
);

/** Extra headers, never the ones that frame the message (those are the transport's business). */
const FRAMING = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
]);
const extraHeaders = fc.dictionary(
  fc
    .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
    .filter((name) => !FRAMING.has(name) && name !== 'authorization'),
  headerText,
  { maxKeys: 4 },
);

const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: validEventSpec.map((spec) => JSON.stringify(validEventBody(spec))) },
  { weight: 3, arbitrary: mutatedSampleEvent.map((event) => JSON.stringify(event)) },
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom('', '{', 'null', '[]', '"x"', '{"event":'),
  // A label that is an object which cannot become a string (once made the parser throw: a 500).
  validEventSpec.map((spec) => {
    const event = validEventBody({ ...spec, wrap: false }) as { related: unknown[] };
    event.related.unshift({ 'prefect.resource.id': { toString: 1 }, 'prefect.resource.role': 'deployment' });
    return JSON.stringify(event);
  }),
  fc.integer({ min: LIMIT + 1, max: LIMIT * 3 }).map((size) => 'a'.repeat(size)),
  // A valid event padded past the limit: the size check must win over validity.
  validEventSpec.map((spec) =>
    JSON.stringify({ ...validEventBody({ ...spec, wrap: false }), padding: 'p'.repeat(LIMIT) }),
  ),
);

const request: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constant('POST') },
    fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
  ),
  auth,
  contentType,
  extraHeaders,
  body,
  chunked: fc.boolean(),
});

function bytesOf(req: FuzzRequest): Buffer {
  return typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : Buffer.from(req.body);
}

function send(url: string, req: FuzzRequest): Promise<FuzzResponse> {
  const bytes = bytesOf(req);
  const headers: Record<string, string> = { ...req.extraHeaders };
  if (req.auth.header !== undefined) headers.authorization = req.auth.header;
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: req.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    outgoing.setTimeout(5000, () => outgoing.destroy(new Error(`no answer within 5 s to ${req.method}`)));
    // The server may answer (413, 401) and close before the whole upload is written.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (req.chunked && bytes.length > 1) {
      outgoing.write(bytes.subarray(0, bytes.length >> 1));
      outgoing.end(bytes.subarray(bytes.length >> 1));
    } else {
      outgoing.end(bytes);
    }
  });
}

/** What the route must answer, read from the request independently of the route's code path. */
function expectedAnswer(req: FuzzRequest): { status: number; accepted: boolean } {
  if (req.method !== 'POST') return { status: 405, accepted: false };
  if (!req.auth.valid) return { status: 401, accepted: false };
  const bytes = bytesOf(req);
  if (bytes.length > LIMIT) return { status: 413, accepted: false };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { status: 400, accepted: false };
  }
  const parsed = parsePrefectEvent(json);
  if (parsed.ok) return { status: 202, accepted: true };
  return { status: parsed.ignorable ? 202 : 400, accepted: false };
}

describe('POST /webhooks/prefect under fuzzing', () => {
  let env: WebhookTestEnv;
  let server: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    env = await createWebhookTestEnv(`fuzz-route-${randomUUID().slice(0, 8)}`);
    const handler = createPrefectWebhookHandler({
      secret: SECRET,
      queue: env.queue('fuzz'),
      logger: env.logger,
      maxBodyBytes: LIMIT,
    });
    server = await listen(handler);
  });

  afterAll(async () => {
    await server?.close();
    await env?.cleanup();
  });

  const streamLength = () => env.redis.xlen(env.stream);

  it('answers only 202/400/401/405/413, as the request deserves, and only an accepted event is queued', async () => {
    let accepted = 0;
    const before = await streamLength();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const lengthBefore = await streamLength();
        const response = await send(server.url, req);
        const added = (await streamLength()) - lengthBefore;
        expect(ALLOWED_STATUSES).toContain(response.status);
        const expected = expectedAnswer(req);
        expect(response.status).toBe(expected.status);
        expect(added).toBe(expected.accepted ? 1 : 0);
        if (req.method !== 'HEAD') {
          const answer = JSON.parse(response.body) as { accepted?: boolean; id?: string; error?: string };
          if (response.status === 202) expect(answer.accepted).toBe(expected.accepted);
          else expect(typeof answer.error === 'string' && answer.error.length > 0).toBe(true);
          if (expected.accepted) {
            const [[, fields]] = await env.redis.xrevrange(env.stream, '+', '-', 'COUNT', 1);
            expect(JSON.parse(fields[1]!).id).toBe(answer.id);
          }
        }
        if (expected.accepted) accepted += 1;
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(await streamLength()).toBe(before + accepted);
    // The generators must really reach the queue, or the property above proves little.
    expect(accepted).toBeGreaterThan(5);
  });

  it('keeps serving afterwards, and never logs the secret', async () => {
    const event = validEventBody({
      flowRunId: randomUUID(),
      type: 'COMPLETED',
      name: 'Completed',
      at: new Date('2025-06-12T14:17:05Z'),
      micros: 1,
      id: randomUUID(),
      message: '',
      runCount: 1,
      tags: [],
      upperCaseRunId: false,
      wrap: false,
    });
    const response = await send(server.url, {
      method: 'POST',
      auth: { header: `Bearer ${SECRET}`, valid: true },
      contentType: 'application/json',
      extraHeaders: {},
      body: JSON.stringify(event),
      chunked: false,
    });
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ accepted: true, id: event.id });
    expect(env.logText()).not.toContain(SECRET);
  });
});
