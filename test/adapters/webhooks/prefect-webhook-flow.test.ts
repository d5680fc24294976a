/**
 * The whole path over real HTTP and real Redis: Prefect POSTs an event → the route persists it →
 * the worker applies it through the sink.
 */
import { randomUUID } from 'node:crypto';
import { createPrefectWebhookHandler } from '../../../src/adapters/webhooks/prefect-webhook-route';
import type { RedisEventQueue } from '../../../src/adapters/webhooks/redis-event-queue';
import type { PrefectStateType } from '../../../src/core/types';
import { buildStateEvent, STATE_CASES } from '../../core/prefect-event-samples';
import { createWebhookTestEnv, listen, pendingCount, type WebhookTestEnv, waitFor } from './webhook-test-env';

const SECRET = `whsec-${randomUUID()}`;
const BASE = Date.UTC(2025, 5, 12, 14, 0, 0);

describe('Prefect webhook → queue → run state', () => {
  let env: WebhookTestEnv;
  let queue: RedisEventQueue;
  let server: { url: string; close: () => Promise<void> };

  beforeEach(async () => {
    env = await createWebhookTestEnv(`flow-${randomUUID().slice(0, 8)}`);
    queue = env.queue('api-1');
    server = await listen(createPrefectWebhookHandler({ secret: SECRET, queue, logger: env.logger }));
  });

  afterEach(async () => {
    await server.close();
    await env.cleanup();
  });

  const post = (event: unknown, secret = SECRET) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body: JSON.stringify(event),
    });

  async function drained(calls: number, timeoutMs = 10_000) {
    await waitFor(
      async () =>
        env.sink.calls.length >= calls && (await pendingCount(env.redis, env.stream, env.group)) === 0,
      timeoutMs,
      `${calls} applied events`,
    );
  }

  it.each(STATE_CASES)('a $name event ($type) updates the run', async ({ name, type }) => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    await queue.startWorker(env.sink, { blockMs: 100 });
    const message = type === 'FAILED' ? 'Flow run encountered an exception: KeyError' : undefined;
    const response = await post(buildStateEvent({ flowRunId: run, type, name, message }));
    expect(response.status).toBe(202);
    await drained(1);
    expect(env.sink.calls[0]!.outcome).toBe('applied');
    expect(await env.sink.stateOf(run)).toEqual({
      type,
      name,
      timestamp: expect.any(String),
      ...(message ? { message } : {}),
    });
  });

  it('processes nothing that came with a wrong bearer', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    await queue.startWorker(env.sink, { blockMs: 50 });
    const response = await post(
      buildStateEvent({ flowRunId: run, type: 'COMPLETED', name: 'Completed' }),
      'nope',
    );
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(env.sink.attempts).toBe(0);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'PENDING' });
  });

  it('applies an event Prefect sends twice once', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    await queue.startWorker(env.sink, { blockMs: 50 });
    const event = buildStateEvent({ flowRunId: run, type: 'COMPLETED', name: 'Completed' });
    expect((await post(event)).status).toBe(202);
    expect((await post(event)).status).toBe(202);
    await waitFor(async () => (await queue.lag()) === 0 && env.sink.calls.length === 1, 5000, 'one apply');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.sink.calls).toHaveLength(1);
  });

  it('keeps an accepted event when the worker dies before applying it: a new worker applies it', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    await queue.startWorker({ applyRunState: () => Promise.reject(new Error('killed')) }, { blockMs: 50 });
    const event = buildStateEvent({ flowRunId: run, type: 'FAILED', name: 'TimedOut' });
    expect((await post(event)).status).toBe(202);
    await waitFor(async () => (await pendingCount(env.redis, env.stream, env.group)) === 1, 5000, 'delivery');
    await queue.stopWorker();

    const replacement = env.queue('api-2');
    await replacement.startWorker(env.sink, { blockMs: 50, claimIdleMs: 50 });
    await drained(1);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'FAILED', name: 'TimedOut' });
  });

  it('1000 events for 100 runs posted concurrently: every run ends in its latest state, nothing lost', async () => {
    const finals: Array<{ type: PrefectStateType; name: string }> = [
      { type: 'COMPLETED', name: 'Completed' },
      { type: 'FAILED', name: 'Failed' },
      { type: 'FAILED', name: 'TimedOut' },
      { type: 'CRASHED', name: 'Crashed' },
      { type: 'CANCELLED', name: 'Cancelled' },
    ];
    const path: Array<{ type: PrefectStateType; name: string }> = [
      { type: 'SCHEDULED', name: 'Scheduled' },
      { type: 'PENDING', name: 'Pending' },
      { type: 'RUNNING', name: 'Running' },
      { type: 'PAUSED', name: 'Paused' },
      { type: 'SCHEDULED', name: 'Resuming' },
      { type: 'RUNNING', name: 'Running' },
      { type: 'FAILED', name: 'Failed' },
      { type: 'SCHEDULED', name: 'AwaitingRetry' },
      { type: 'RUNNING', name: 'Retrying' },
    ];
    const runs = Array.from({ length: 100 }, (_, index) => ({
      id: randomUUID(),
      final: finals[index % finals.length]!,
    }));
    for (const run of runs) await env.sink.trackRun(run.id);
    const events = runs.flatMap((run) =>
      [...path, run.final].map((state, step) =>
        // Two states per millisecond: only the microseconds tell them apart, as in real Prefect runs.
        buildStateEvent({
          flowRunId: run.id,
          ...state,
          at: new Date(BASE + Math.floor(step / 2)),
          micros: (step % 2) * 500,
        }),
      ),
    );
    shuffle(events);

    await queue.startWorker(env.sink, { blockMs: 100, batchSize: 100 });
    const statuses = await mapBounded(events, 100, async (event) => (await post(event)).status);
    expect(statuses.filter((status) => status !== 202)).toEqual([]);

    await drained(1000, 20_000);
    const seen = new Set(env.sink.calls.map((call) => call.eventId));
    expect(seen.size).toBe(1000);
    expect(env.sink.calls).toHaveLength(1000);
    for (const run of runs) {
      expect(await env.sink.stateOf(run.id)).toMatchObject({ type: run.final.type, name: run.final.name });
    }
    expect(await queue.lag()).toBe(0);
  }, 60_000);
});

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}
