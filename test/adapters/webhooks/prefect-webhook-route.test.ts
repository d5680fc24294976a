import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { connectRedis } from '../../../src/adapters/store/redis-connection';
import {
  createPrefectWebhookHandler,
  MAX_REASON_CHARS,
  type WebhookOutcome,
} from '../../../src/adapters/webhooks/prefect-webhook-route';
import { createRedisEventQueue } from '../../../src/adapters/webhooks/redis-event-queue';
import { buildStateEvent, loadSampleEvent } from '../../core/prefect-event-samples';
import { createWebhookTestEnv, listen, type WebhookTestEnv } from './webhook-test-env';

const SECRET = `whsec-${randomUUID()}`;
const LIMIT = 16 * 1024;

/** A raw request, for chunked bodies and oversized uploads (fetch hides both). */
function rawPost(
  url: string,
  headers: Record<string, string>,
  chunks: Buffer[],
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('POST /webhooks/prefect', () => {
  let env: WebhookTestEnv;
  let server: { url: string; close: () => Promise<void> };
  let outcomes: WebhookOutcome[];

  beforeEach(async () => {
    env = await createWebhookTestEnv(`route-${randomUUID().slice(0, 8)}`);
    outcomes = [];
    const handler = createPrefectWebhookHandler({
      secret: SECRET,
      queue: env.queue('route-test'),
      logger: env.logger,
      maxBodyBytes: LIMIT,
      metrics: { eventsReceived: (outcome) => outcomes.push(outcome) },
    });
    server = await listen(handler);
  });

  afterEach(async () => {
    await server.close();
    await env.cleanup();
  });

  /** `authorization: null` sends no Authorization header. */
  const post = (body: unknown, authorization: string | null = `Bearer ${SECRET}`) =>
    fetch(server.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const streamLength = () => env.redis.xlen(env.stream);

  it('persists a valid event before answering 202 with its id', async () => {
    const event = buildStateEvent({ type: 'COMPLETED', name: 'Completed' });
    const response = await post(event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true, id: event.id });
    const entries = await env.redis.xrange(env.stream, '-', '+');
    expect(entries).toHaveLength(1);
    const stored = JSON.parse(entries[0]![1][1]!);
    expect(stored).toMatchObject({ id: event.id, state: { type: 'COMPLETED', name: 'Completed' } });
    expect(outcomes).toEqual(['accepted']);
  });

  it('accepts the richer envelope template too', async () => {
    const event = loadSampleEvent('failed');
    const response = await post({ event, flow_run: { id: 'whatever' }, deployment: null });
    expect(response.status).toBe(202);
    expect(await streamLength()).toBe(1);
  });

  it.each([
    ['no Authorization header', null],
    ['a wrong secret', 'Bearer not-the-secret-at-all-1234'],
    ['the secret with a suffix', `Bearer ${SECRET}x`],
    ['another scheme', `Basic ${Buffer.from(`x:${SECRET}`).toString('base64')}`],
    ['the bare secret', SECRET],
  ])('answers 401 to %s and stores nothing', async (_label, authorization) => {
    const response = await post(buildStateEvent({ type: 'RUNNING', name: 'Running' }), authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await streamLength()).toBe(0);
    expect(outcomes).toEqual(['unauthorized']);
  });

  it('checks the bearer before reading anything: a huge body with a bad token is a 401, not a 413', async () => {
    const response = await rawPost(server.url, { Authorization: 'Bearer wrong' }, [
      Buffer.alloc(LIMIT * 2, 'x'),
    ]);
    expect(response.status).toBe(401);
    expect(await streamLength()).toBe(0);
  });

  it('answers 405 to other methods', async () => {
    const response = await fetch(server.url, { headers: { Authorization: `Bearer ${SECRET}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 413 to a body over the limit (declared length)', async () => {
    const event = buildStateEvent({ type: 'RUNNING', name: 'Running' });
    const padded = JSON.stringify({ ...event, padding: 'x'.repeat(LIMIT) });
    const response = await post(padded);
    expect(response.status).toBe(413);
    expect(await streamLength()).toBe(0);
    expect(outcomes).toEqual(['too_large']);
  });

  it('answers 413 to a chunked body that grows over the limit while streaming', async () => {
    const chunk = Buffer.alloc(4096, ' ');
    const response = await rawPost(
      server.url,
      { Authorization: `Bearer ${SECRET}`, 'Transfer-Encoding': 'chunked' },
      Array.from({ length: 8 }, () => chunk),
    );
    expect(response.status).toBe(413);
    expect(await streamLength()).toBe(0);
  });

  it.each([
    ['invalid JSON', '{"id": ', /not valid JSON/],
    ['an empty body', '', /not valid JSON/],
    ['JSON that is no event', { hello: 'world' }, /not a Prefect event/],
    [
      'a flow-run event with an unknown state type',
      (() => {
        const event = loadSampleEvent('completed');
        event.resource['prefect.state-type'] = 'EXPLODED';
        return event;
      })(),
      /prefect\.state-type/,
    ],
  ])('answers 400 to %s, with the reason', async (_label, body, reason) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(reason);
    expect(await streamLength()).toBe(0);
    expect(outcomes).toEqual(['invalid']);
  });

  it('acknowledges (202, ignored) a valid Prefect event that is not a flow-run state change', async () => {
    const event = loadSampleEvent('completed');
    event.event = 'prefect.deployment.updated';
    event.resource = { 'prefect.resource.id': 'prefect.deployment.2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90' };
    const response = await post(event);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: false, ignored: true });
    expect(await streamLength()).toBe(0);
  });

  it('echoes at most a short, clipped reason for an ignored event, not its whole resource id', async () => {
    const event = loadSampleEvent('completed');
    event.event = 'prefect.deployment.updated';
    const marker = 'x'.repeat(LIMIT / 2);
    event.resource = { 'prefect.resource.id': `prefect.deployment.${marker}` };
    const response = await post(event);
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { ignored: boolean; reason: string };
    expect(answer.ignored).toBe(true);
    expect(answer.reason).toMatch(
      /^not a flow-run state event \(prefect\.deployment\.updated on prefect\.deployment\.x+…$/,
    );
    expect(Array.from(answer.reason).length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(env.logText()).not.toContain(marker);
  });

  it('never logs the secret or a presented token', async () => {
    await post(buildStateEvent({ type: 'RUNNING', name: 'Running' }));
    await post(buildStateEvent({ type: 'RUNNING', name: 'Running' }), 'Bearer presented-token-0123456789');
    await post('{broken');
    const logs = env.logText();
    expect(logs).toContain('webhook: bad bearer');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain('presented-token-0123456789');
  });
});

describe('POST /webhooks/prefect when Redis is down', () => {
  it('answers 503 with Retry-After and never a 2xx', async () => {
    const env = await createWebhookTestEnv(`route-down-${randomUUID().slice(0, 8)}`);
    // Nothing listens on port 1: the queue cannot persist, as when Redis is down.
    const deadRedis = connectRedis('redis://127.0.0.1:1', env.logger, { connectTimeoutMs: 200 });
    deadRedis.on('error', () => undefined);
    const queue = createRedisEventQueue({
      redis: deadRedis,
      stream: env.stream,
      group: env.group,
      consumer: 'c',
      logger: env.logger,
      readyWaitMs: 100,
    });
    const outcomes: WebhookOutcome[] = [];
    const server = await listen(
      createPrefectWebhookHandler({
        secret: SECRET,
        queue,
        logger: env.logger,
        metrics: { eventsReceived: (outcome) => outcomes.push(outcome) },
      }),
    );
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}` },
        body: JSON.stringify(buildStateEvent({ type: 'FAILED', name: 'Failed' })),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(outcomes).toEqual(['unavailable']);
    } finally {
      deadRedis.disconnect();
      await server.close();
      await env.cleanup();
    }
  });

  it('refuses to build a handler without a secret (the route stays off instead)', () => {
    expect(() =>
      createPrefectWebhookHandler({
        secret: '',
        queue: { enqueue: async () => 'x' },
        logger: { debug() {}, info() {}, warn() {}, error() {}, child: () => ({}) as never },
      }),
    ).toThrow(/secret/);
  });
});
