/**
 * The health routes on a real http server (as Bolt's custom routes would mount them), with a real
 * Redis store. Prefect is faked at its edge: only `health()` matters here.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import { Registry } from 'prom-client';
import { createHealthRoutes, type HealthRoute, safeReason } from '../../../src/adapters/http/health-routes';
import { createMetrics } from '../../../src/adapters/http/metrics';
import type { OpenAiRouterOptions } from '../../../src/adapters/llm/openai-router';
import type { CreateSlackAppDeps } from '../../../src/adapters/slack/create-slack-app';
import { connectRedis } from '../../../src/adapters/store/redis-connection';
import type { RedisStoreOptions } from '../../../src/adapters/store/redis-store';
import { createRedisStore } from '../../../src/adapters/store/redis-store';
import type { PrefectWebhookDeps } from '../../../src/adapters/webhooks/prefect-webhook-route';
import type { RedisEventQueueOptions } from '../../../src/adapters/webhooks/redis-event-queue';
import { FlowdeskError } from '../../../src/core/errors';
import type { Store } from '../../../src/core/ports';
import { quietLogger, REDIS_URL, uniquePrefix } from '../store/redis-test-support';

const healthyPrefect = { health: async () => true };

interface Running {
  url: string;
  close(): Promise<void>;
}

/** A bare http server that dispatches like Bolt's custom routes: exact path and method. */
async function serve(routes: HealthRoute[]): Promise<Running> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path && r.method.includes(req.method ?? ''));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    void route.handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function redisStore(url: string): Store {
  const logger = quietLogger();
  return createRedisStore({
    redis: connectRedis(url, logger, { connectTimeoutMs: 300, commandTimeoutMs: 500 }),
    prefix: uniquePrefix('health-routes'),
    logger,
    readyWaitMs: 300,
  });
}

describe('health routes', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.close();
  });

  async function start(deps: Parameters<typeof createHealthRoutes>[0]): Promise<string> {
    const running = await serve(createHealthRoutes(deps));
    opened.push(running);
    return running.url;
  }

  const metrics = () => createMetrics(new Registry(), { defaultMetrics: false });

  it('are Bolt custom routes', () => {
    const routes: CustomRoute[] = createHealthRoutes({
      store: { ping: async () => {} },
      prefect: null,
      metrics: metrics(),
    });
    expect(routes.map((r) => [r.path, r.method])).toEqual([
      ['/healthz', ['GET']],
      ['/readyz', ['GET']],
      ['/metrics', ['GET']],
    ]);
  });

  it('/healthz answers 200 {"status":"ok"} whatever the dependencies', async () => {
    const broken: Pick<Store, 'ping'> = {
      ping: async () => {
        throw new Error('down');
      },
    };
    const url = await start({ store: broken, prefect: { health: async () => false }, metrics: metrics() });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(response.json()).resolves.toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when Redis pings and Prefect is healthy', async () => {
    const store = redisStore(REDIS_URL);
    opened.push(store);
    const url = await start({ store, prefect: healthyPrefect, metrics: metrics() });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({
      status: 'ready',
      checks: { redis: 'ok', prefect: 'ok' },
    });
  });

  it('/readyz is 503 naming redis when Redis cannot be reached, without the password of the URL', async () => {
    const store = redisStore('redis://:hunter2-very-secret@127.0.0.1:6390');
    opened.push(store);
    const url = await start({ store, prefect: healthyPrefect, metrics: metrics() });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    const body = JSON.parse(text);
    expect(body.status).toBe('not_ready');
    expect(body.checks.prefect).toBe('ok');
    expect(body.checks.redis).toMatch(/^down: Redis ping failed: .*ECONNREFUSED/);
  });

  it('/readyz is 503 naming prefect when its health check fails, and when it throws', async () => {
    const store = redisStore(REDIS_URL);
    opened.push(store);
    const unhealthy = await start({ store, prefect: { health: async () => false }, metrics: metrics() });
    const first = await fetch(`${unhealthy}/readyz`);
    expect(first.status).toBe(503);
    await expect(first.json()).resolves.toEqual({
      status: 'not_ready',
      checks: { redis: 'ok', prefect: 'down: health check failed' },
    });

    const throwing = await start({
      store,
      prefect: {
        health: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:4200 (https://user:pw@prefect.example/api)');
        },
      },
      metrics: metrics(),
    });
    const second = await fetch(`${throwing}/readyz`);
    expect(second.status).toBe(503);
    const body = (await second.json()) as { checks: Record<string, string> };
    expect(body.checks.prefect).toBe(
      'down: connect ECONNREFUSED 127.0.0.1:4200 (https://***@prefect.example/api)',
    );
  });

  it('/readyz gives up on a check that hangs, after the timeout, and runs the checks in parallel', async () => {
    const hang = () => new Promise<never>(() => {});
    const url = await start({
      store: { ping: hang },
      prefect: { health: hang },
      metrics: metrics(),
      timeoutMs: 400,
    });
    const started = Date.now();
    const response = await fetch(`${url}/readyz`);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    await expect(response.json()).resolves.toEqual({
      status: 'not_ready',
      checks: { redis: 'down: no answer within 400 ms', prefect: 'down: no answer within 400 ms' },
    });
    // One after the other would take 800 ms or more.
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(750);
  });

  it('/readyz leaves Prefect out when flowdesk runs without it', async () => {
    const url = await start({ store: { ping: async () => {} }, prefect: null, metrics: metrics() });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({
      status: 'ready',
      checks: { redis: 'ok', prefect: 'not configured' },
    });
  });

  it('/metrics serves the Prometheus text of every flowdesk metric once incremented', async () => {
    const m = createMetrics(new Registry());
    m.countRequest('run');
    m.observeRouting('llm', 0.42);
    m.countLlmUsage({ promptTokens: 812, completionTokens: 35, model: 'gpt-4o-mini' });
    m.countRunStarted('reset-vpn');
    m.countRunOutcome('reset-vpn', 'COMPLETED');
    m.eventsReceived('accepted');
    m.eventsApplied('applied');
    m.countSlackApiError('chat.update', { kind: 'rate_limited', code: 'ratelimited' });
    m.countRedisError('compareAndSet');
    m.setQueueLagSource(async () => 7);

    const url = await start({ store: { ping: async () => {} }, prefect: healthyPrefect, metrics: m });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const line of [
      'flowdesk_requests_total{outcome="run"} 1',
      'flowdesk_routing_latency_seconds_bucket{le="0.5",router="llm"} 1',
      'flowdesk_routing_latency_seconds_count{router="llm"} 1',
      'flowdesk_llm_tokens_total{kind="prompt",model="gpt-4o-mini"} 812',
      'flowdesk_llm_tokens_total{kind="completion",model="gpt-4o-mini"} 35',
      'flowdesk_runs_started_total{process="reset-vpn"} 1',
      'flowdesk_run_outcomes_total{process="reset-vpn",state="COMPLETED"} 1',
      'flowdesk_webhook_events_total{outcome="accepted"} 1',
      'flowdesk_webhook_events_applied_total{outcome="applied"} 1',
      'flowdesk_slack_api_errors_total{method="chat.update",error="ratelimited"} 1',
      'flowdesk_slack_rate_limited_total{method="chat.update"} 1',
      'flowdesk_redis_errors_total{operation="compareAndSet"} 1',
      'flowdesk_event_queue_lag 7',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    // Default process metrics come along.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe('metrics helpers', () => {
  const fresh = () => createMetrics(new Registry(), { defaultMetrics: false });

  it('never turns free-text Slack errors into labels', async () => {
    const m = fresh();
    m.countSlackApiError('chat.postMessage', { kind: 'network', code: 'socket hang up at 10.1.2.3:443' });
    m.countSlackApiError('chat.postMessage', { kind: 'platform', code: 'channel_not_found' });
    m.countSlackApiError('chat.postMessage', { kind: 'http', code: 'http_503' });
    const text = await m.metricsText();
    expect(text).toContain('flowdesk_slack_api_errors_total{method="chat.postMessage",error="network"} 1');
    expect(text).toContain(
      'flowdesk_slack_api_errors_total{method="chat.postMessage",error="channel_not_found"} 1',
    );
    expect(text).toContain('flowdesk_slack_api_errors_total{method="chat.postMessage",error="http_503"} 1');
    expect(text).not.toContain('10.1.2.3');
    expect(text).not.toContain('flowdesk_slack_rate_limited_total{');
  });

  it('keeps the last queue lag when its source fails or hangs, and the scrape still succeeds', async () => {
    const m = createMetrics(new Registry(), { defaultMetrics: false, queueLagTimeoutMs: 50 });
    m.setQueueLagSource(async () => 3);
    expect(await m.metricsText()).toContain('flowdesk_event_queue_lag 3');
    m.setQueueLagSource(async () => {
      throw new Error('Redis down');
    });
    expect(await m.metricsText()).toContain('flowdesk_event_queue_lag 3');
    m.setQueueLagSource(() => new Promise<number>(() => {}));
    expect(await m.metricsText()).toContain('flowdesk_event_queue_lag 3');
  });

  it('counts no tokens for a usage of zero and ignores impossible latencies', async () => {
    const m = fresh();
    m.countLlmUsage({ promptTokens: 0, completionTokens: 0, model: 'm' });
    m.observeRouting('local', Number.NaN);
    m.observeRouting('local', -1);
    const text = await m.metricsText();
    expect(text).not.toContain('flowdesk_llm_tokens_total{');
    expect(text).not.toContain('flowdesk_routing_latency_seconds_count{');
  });

  it('fits the adapters’ hook types when passed detached', async () => {
    const m = fresh();
    // Type-checked against the adapters' own option types, so a drift there fails `npm run typecheck`.
    const onUsage: NonNullable<OpenAiRouterOptions['onUsage']> = m.countLlmUsage;
    const onRedisError: NonNullable<RedisStoreOptions['onError']> = m.countRedisError;
    const onApiError: NonNullable<CreateSlackAppDeps['onApiError']> = m.countSlackApiError;
    const webhook: NonNullable<PrefectWebhookDeps['metrics']> = m;
    const queue: NonNullable<RedisEventQueueOptions['metrics']> = m;
    onUsage({ promptTokens: 5, completionTokens: 1, model: 'x' });
    onRedisError('ping', new FlowdeskError('store_unavailable', 'Redis ping failed'));
    onApiError('chat.postMessage', { kind: 'platform', code: 'not_in_channel' });
    const { eventsReceived } = webhook;
    eventsReceived('accepted');
    const { eventsApplied } = queue;
    eventsApplied('dead_lettered');
    const text = await m.metricsText();
    expect(text).toContain('flowdesk_llm_tokens_total{kind="prompt",model="x"} 5');
    expect(text).toContain('flowdesk_redis_errors_total{operation="ping"} 1');
    expect(text).toContain(
      'flowdesk_slack_api_errors_total{method="chat.postMessage",error="not_in_channel"} 1',
    );
    expect(text).toContain('flowdesk_webhook_events_total{outcome="accepted"} 1');
    expect(text).toContain('flowdesk_webhook_events_applied_total{outcome="dead_lettered"} 1');
  });
});

describe('safeReason', () => {
  it('masks credentials and caps the length', () => {
    expect(safeReason(new Error('AUTH failed for rediss://default:s3cr3t@cache:6380/0'))).toBe(
      'AUTH failed for rediss://***@cache:6380/0',
    );
    expect(safeReason(new Error('401 with Authorization: Bearer pnb_abcdef123'))).toBe(
      '401 with Authorization: Bearer ***',
    );
    expect(safeReason(new Error('x'.repeat(500)))).toHaveLength(200);
    expect(safeReason(undefined)).toBe('unknown error');
  });
});
