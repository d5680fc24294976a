import { randomUUID } from 'node:crypto';
import {
  forgetConsumerWithoutPending,
  forgetIdleConsumers,
  parseConsumers,
  staleConsumers,
} from '../../../src/adapters/webhooks/forget-idle-consumers';
import { parsePrefectEvent } from '../../../src/core/prefect-event';
import { buildStateEvent } from '../../core/prefect-event-samples';
import { createWebhookTestEnv, type WebhookTestEnv, waitFor } from './webhook-test-env';

function unknownRunEvent() {
  const parsed = parsePrefectEvent(
    buildStateEvent({ flowRunId: randomUUID(), type: 'COMPLETED', name: 'Completed', at: new Date() }),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.event;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('forgetIdleConsumers', () => {
  let env: WebhookTestEnv;

  beforeEach(async () => {
    env = await createWebhookTestEnv(`forget-${randomUUID().slice(0, 8)}`);
  });

  afterEach(async () => {
    await env.cleanup();
  });

  function read(consumer: string): Promise<unknown> {
    return env.redis.call('XREADGROUP', [
      'GROUP',
      env.group,
      consumer,
      'COUNT',
      '1',
      'STREAMS',
      env.stream,
      '>',
    ]);
  }

  /** A has one entry pending, B read and acknowledged one (nothing pending), C exists and read nothing. */
  async function groupWithConsumers(): Promise<void> {
    await env.redis.xgroup('CREATE', env.stream, env.group, '0', 'MKSTREAM');
    await env.redis.xadd(env.stream, '*', 'event', '{}');
    const acked = await env.redis.xadd(env.stream, '*', 'event', '{}');
    await read('A');
    await read('B');
    await env.redis.xack(env.stream, env.group, acked!);
    await env.redis.call('XGROUP', ['CREATECONSUMER', env.stream, env.group, 'C']);
  }

  async function consumers() {
    return parseConsumers(await env.redis.call('XINFO', ['CONSUMERS', env.stream, env.group]));
  }

  const forget = (idleMs: number) =>
    forgetIdleConsumers({
      redis: env.redis,
      stream: env.stream,
      group: env.group,
      self: 'C',
      idleMs,
      logger: env.logger,
    });

  function logEntries(): Array<{ level: number; msg: string; [key: string]: unknown }> {
    return env
      .logText()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }

  it('forgets only idle consumers with nothing pending, never its own', async () => {
    await groupWithConsumers();
    await sleep(50);

    expect(await forget(60_000)).toBe(0);
    expect((await consumers()).map((c) => c.name).sort()).toEqual(['A', 'B', 'C']);

    expect(await forget(10)).toBe(1);
    const left = await consumers();
    expect(left.map((c) => c.name).sort()).toEqual(['A', 'C']);
    expect(left.find((c) => c.name === 'A')?.pending).toBe(1);
    const info = logEntries().find((entry) => entry.msg === 'forgot idle event consumers');
    expect(info).toMatchObject({ level: 30, count: 1, consumers: ['B'] });
  });

  it('keeps a consumer that owns pending entries even when asked to delete it directly', async () => {
    await groupWithConsumers();
    expect(await forgetConsumerWithoutPending(env.redis, env.stream, env.group, 'A')).toBe(false);
    expect(await forgetConsumerWithoutPending(env.redis, env.stream, env.group, 'B')).toBe(true);
    const left = await consumers();
    expect(left.map((c) => c.name).sort()).toEqual(['A', 'C']);
    expect(left.find((c) => c.name === 'A')?.pending).toBe(1);
  });

  it('returns 0 and logs a warning when the stream or the group does not exist', async () => {
    await expect(forget(10)).resolves.toBe(0);
    await env.redis.xadd(env.stream, '*', 'event', '{}');
    await expect(forget(10)).resolves.toBe(0);
    const warnings = logEntries().filter(
      (entry) => entry.level === 40 && entry.msg.startsWith('forgetting idle event consumers failed'),
    );
    expect(warnings).toHaveLength(2);
  });

  it('runs from the worker loop: a stale consumer goes, its own consumer stays', async () => {
    await groupWithConsumers();
    await sleep(50);
    const queue = env.queue('C');
    await queue.startWorker(env.sink, { blockMs: 50, claimIdleMs: 60_000, forgetIdleConsumersAfterMs: 10 });
    await waitFor(async () => !(await consumers()).some((c) => c.name === 'B'), 5000, 'B to be forgotten');
    expect((await consumers()).map((c) => c.name).sort()).toEqual(['A', 'C']);
  });

  it('keeps consumers idle for less than the default 24 h when run from the worker', async () => {
    await groupWithConsumers();
    const queue = env.queue('D');
    await queue.startWorker(env.sink, { blockMs: 50, claimIdleMs: 60_000 });
    // The loop looks for consumers to forget before each read, so once it has handled an event
    // (of a run flowdesk does not know: ignored and acknowledged) the first look is over.
    await queue.enqueue(unknownRunEvent());
    await waitFor(() => env.sink.calls.length === 1, 5000, 'the worker to handle the event');
    expect((await consumers()).map((c) => c.name).sort()).toEqual(['A', 'B', 'C', 'D']);
  });
});

describe('parseConsumers', () => {
  it('reads flat RESP2 arrays and RESP3 maps', () => {
    const reply = [
      ['name', 'a', 'pending', 2, 'idle', 1500, 'inactive', 1500],
      new Map<string, unknown>([
        ['name', 'b'],
        ['pending', 0],
        ['idle', 7],
      ]),
    ];
    expect(parseConsumers(reply)).toEqual([
      { name: 'a', pending: 2, idle: 1500 },
      { name: 'b', pending: 0, idle: 7 },
    ]);
  });

  it('skips entries it cannot read, so they are never forgotten', () => {
    const reply = [
      ['name', 'no-pending', 'idle', 10],
      ['name', 'null-pending', 'pending', null, 'idle', 10],
      ['name', 'bad-idle', 'pending', 0, 'idle', 'soon'],
      ['pending', 0, 'idle', 10],
      'garbage',
      ['name', 'ok', 'pending', '0', 'idle', '99'],
    ];
    expect(parseConsumers(reply)).toEqual([{ name: 'ok', pending: 0, idle: 99 }]);
    expect(parseConsumers(null)).toEqual([]);
  });
});

describe('staleConsumers', () => {
  it('picks consumers that are not its own, have nothing pending and are idle beyond the threshold', () => {
    const consumers = [
      { name: 'self', pending: 0, idle: 5000 },
      { name: 'busy', pending: 1, idle: 5000 },
      { name: 'recent', pending: 0, idle: 1000 },
      { name: 'stale', pending: 0, idle: 1001 },
    ];
    expect(staleConsumers(consumers, 'self', 1000).map((c) => c.name)).toEqual(['stale']);
  });
});
