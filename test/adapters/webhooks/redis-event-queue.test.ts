import { randomUUID } from 'node:crypto';
import { type FlowRunStateEvent, parsePrefectEvent } from '../../../src/core/prefect-event';
import type { PrefectStateType } from '../../../src/core/types';
import { buildStateEvent } from '../../core/prefect-event-samples';
import { createWebhookTestEnv, pendingCount, type WebhookTestEnv, waitFor } from './webhook-test-env';

const FAST = { blockMs: 100, claimIdleMs: 60_000 };

function stateEvent(flowRunId: string, type: PrefectStateType, name: string, at: Date, id?: string) {
  const parsed = parsePrefectEvent(buildStateEvent({ flowRunId, type, name, at, id }));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.event;
}

const t = (seconds: number) => new Date(Date.UTC(2025, 5, 12, 14, 0, seconds));

describe('createRedisEventQueue', () => {
  let env: WebhookTestEnv;

  beforeEach(async () => {
    env = await createWebhookTestEnv(`queue-${randomUUID().slice(0, 8)}`);
  });

  afterEach(async () => {
    await env.cleanup();
  });

  async function drained(count: number) {
    await waitFor(
      async () =>
        env.sink.calls.length >= count && (await pendingCount(env.redis, env.stream, env.group)) === 0,
      5000,
      `${count} sink calls and nothing pending`,
    );
  }

  it('applies an enqueued event and acknowledges it', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    const queue = env.queue('c1');
    await queue.startWorker(env.sink, FAST);
    await queue.enqueue(stateEvent(run, 'RUNNING', 'Running', t(1)));
    await drained(1);
    expect(env.sink.calls.map((c) => c.outcome)).toEqual(['applied']);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'RUNNING', name: 'Running' });
    expect(await queue.lag()).toBe(0);
  });

  it('applies the same event (same id) once, however often it arrives', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    const queue = env.queue('c1');
    const event = stateEvent(run, 'COMPLETED', 'Completed', t(5));
    await queue.enqueue(event);
    await queue.enqueue(event);
    await queue.startWorker(env.sink, FAST);
    await queue.enqueue(event);
    await drained(1);
    // Give a wrong second apply the time to happen before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.sink.calls).toHaveLength(1);
    expect(env.sink.calls[0]).toMatchObject({ eventId: event.id, outcome: 'applied' });
    expect(await queue.lag()).toBe(0);
  });

  it('never regresses: an older event after a newer one reaches the sink as stale', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    const queue = env.queue('c1');
    await queue.startWorker(env.sink, FAST);
    await queue.enqueue(stateEvent(run, 'COMPLETED', 'Completed', t(10)));
    await drained(1);
    await queue.enqueue(stateEvent(run, 'RUNNING', 'Running', t(5)));
    await drained(2);
    expect(env.sink.calls.map((c) => [c.state.name, c.outcome])).toEqual([
      ['Completed', 'applied'],
      ['Running', 'stale'],
    ]);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'COMPLETED' });
  });

  it('follows a run again when it is retried after Failed', async () => {
    const run = randomUUID();
    const requestId = await env.sink.trackRun(run);
    const queue = env.queue('c1');
    await queue.startWorker(env.sink, FAST);
    await queue.enqueue(stateEvent(run, 'RUNNING', 'Running', t(1)));
    await queue.enqueue(stateEvent(run, 'FAILED', 'Failed', t(2)));
    await drained(2);
    expect(await env.store.listFollowed(100)).not.toContain(requestId);

    await queue.enqueue(stateEvent(run, 'SCHEDULED', 'AwaitingRetry', t(3)));
    await queue.enqueue(stateEvent(run, 'RUNNING', 'Retrying', t(4)));
    await drained(4);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'RUNNING', name: 'Retrying' });
    expect(await env.store.listFollowed(100)).toContain(requestId);

    await queue.enqueue(stateEvent(run, 'COMPLETED', 'Completed', t(5)));
    await drained(5);
    expect(env.sink.calls.every((c) => c.outcome === 'applied')).toBe(true);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'COMPLETED' });
  });

  it('acknowledges and drops events of runs flowdesk did not start', async () => {
    const queue = env.queue('c1');
    await queue.startWorker(env.sink, FAST);
    await queue.enqueue(stateEvent(randomUUID(), 'COMPLETED', 'Completed', t(1)));
    await drained(1);
    expect(env.sink.calls[0]!.outcome).toBe('ignored');
    expect(await queue.lag()).toBe(0);
  });

  it('processes the events of one run in stream order, runs in parallel', async () => {
    const runs = Array.from({ length: 10 }, () => randomUUID());
    for (const run of runs) await env.sink.trackRun(run);
    const queue = env.queue('c1', { concurrency: 4 });
    // Enqueued before the worker starts, so they arrive in one batch: out-of-order handling would show
    // up as 'stale' outcomes for events that are in fact newer.
    for (let second = 1; second <= 20; second++) {
      for (const run of runs) await queue.enqueue(stateEvent(run, 'RUNNING', `Step${second}`, t(second)));
    }
    expect(await queue.lag()).toBe(200);
    await queue.startWorker(env.sink, { ...FAST, batchSize: 500 });
    await drained(200);
    expect(env.sink.calls.filter((c) => c.outcome !== 'applied')).toEqual([]);
    for (const run of runs) expect(await env.sink.stateOf(run)).toMatchObject({ name: 'Step20' });
  });

  it('keeps an event pending when the sink fails, and applies it on a later claim', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    env.sink.failNext = 2;
    const queue = env.queue('c1');
    await queue.startWorker(env.sink, { blockMs: 50, claimIdleMs: 100 });
    await queue.enqueue(stateEvent(run, 'FAILED', 'Failed', t(3)));
    await drained(1);
    expect(env.sink.attempts).toBe(3);
    expect(env.sink.calls.map((c) => c.outcome)).toEqual(['applied']);
    expect(env.logText()).toContain('applying a Prefect event failed; it will be retried');
  });

  it('loses nothing when a consumer crashes between reading and acknowledging', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    const crashed = env.queue('crashed');
    // The crashed worker's sink never gets to apply: it fails like a process dying mid-way.
    const broken = { applyRunState: () => Promise.reject(new Error('process died')) };
    await crashed.startWorker(broken, FAST);
    const event = stateEvent(run, 'COMPLETED', 'Completed', t(9));
    await crashed.enqueue(event);
    await waitFor(
      async () => (await pendingCount(env.redis, env.stream, env.group)) === 1,
      5000,
      'a pending entry',
    );
    await crashed.stopWorker();
    expect(env.sink.calls).toHaveLength(0);

    const survivor = env.queue('survivor');
    await survivor.startWorker(env.sink, { blockMs: 50, claimIdleMs: 50 });
    await drained(1);
    expect(env.sink.calls[0]).toMatchObject({ eventId: event.id, outcome: 'applied' });
    expect(await survivor.lag()).toBe(0);
  });

  it('re-claims an entry another consumer read and never acknowledged (raw XREADGROUP)', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    const queue = env.queue('next');
    await env.redis.xgroup('CREATE', env.stream, env.group, '0', 'MKSTREAM');
    await queue.enqueue(stateEvent(run, 'CRASHED', 'Crashed', t(4)));
    await env.redis.call('XREADGROUP', [
      'GROUP',
      env.group,
      'dead-consumer',
      'COUNT',
      '10',
      'STREAMS',
      env.stream,
      '>',
    ]);
    expect(await pendingCount(env.redis, env.stream, env.group)).toBe(1);

    await queue.startWorker(env.sink, { blockMs: 50, claimIdleMs: 30 });
    await drained(1);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'CRASHED' });
  });

  it('moves an unreadable entry to the dead-letter stream instead of retrying it forever', async () => {
    const queue = env.queue('c1');
    await env.redis.xadd(env.stream, '*', 'event', '{not json');
    await queue.startWorker(env.sink, FAST);
    await waitFor(async () => (await env.redis.xlen(`${env.stream}:dead`)) === 1, 5000, 'a dead letter');
    expect(await queue.lag()).toBe(0);
    expect(env.sink.calls).toHaveLength(0);
  });

  it('gives up on an entry after maxDeliveries and dead-letters it', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    env.sink.failNext = 1000;
    const queue = env.queue('c1', { maxDeliveries: 2 });
    await queue.startWorker(env.sink, { blockMs: 20, claimIdleMs: 20 });
    await queue.enqueue(stateEvent(run, 'RUNNING', 'Running', t(1)));
    await waitFor(async () => (await env.redis.xlen(`${env.stream}:dead`)) === 1, 5000, 'a dead letter');
    expect(env.sink.attempts).toBe(2);
    expect(await queue.lag()).toBe(0);
  });

  it('stops promptly while blocked on a read, and a new worker carries on', async () => {
    const run = randomUUID();
    await env.sink.trackRun(run);
    const queue = env.queue('c1');
    await queue.startWorker(env.sink, { blockMs: 10_000, claimIdleMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await queue.stopWorker();
    expect(Date.now() - started).toBeLessThan(1000);

    await queue.enqueue(stateEvent(run, 'PAUSED', 'Paused', t(2)));
    await queue.startWorker(env.sink, { blockMs: 100, claimIdleMs: 100 });
    await drained(1);
    expect(await env.sink.stateOf(run)).toMatchObject({ type: 'PAUSED' });
  });

  it('reports undelivered entries as lag before any worker runs', async () => {
    const queue = env.queue('c1');
    expect(await queue.lag()).toBe(0);
    const event: FlowRunStateEvent = stateEvent(randomUUID(), 'RUNNING', 'Running', t(1));
    await queue.enqueue(event);
    await queue.enqueue({ ...event, id: randomUUID() });
    expect(await queue.lag()).toBe(2);
  });
});
