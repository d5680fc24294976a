import net from 'node:net';
import type Redis from 'ioredis';
import {
  connectRedis,
  describeRedisUrl,
  isRedisReachable,
  reconnectDelay,
} from '../../../src/adapters/store/redis-connection';
import { createRedisStore } from '../../../src/adapters/store/redis-store';
import { capturingLogger, quietLogger, REDIS_URL, UNUSED_REDIS_URL } from './redis-test-support';
import { expectStoreError, sleep } from './store-contract';

/** Sockets and timers alive in this process, by kind. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP proxy to the test Redis that can be cut and restored on the same port (a Redis blip). */
function redisProxy() {
  const target = new URL(REDIS_URL);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  return {
    url: () => `redis://127.0.0.1:${port}`,
    start: () =>
      new Promise<void>((resolve) => {
        server = net.createServer((client) => {
          const upstream = net.connect(Number(target.port || 6379), target.hostname);
          track(client);
          track(upstream);
          client.pipe(upstream).pipe(client);
          client.on('close', () => upstream.destroy());
          upstream.on('close', () => client.destroy());
        });
        server.listen(port, '127.0.0.1', () => {
          port = (server!.address() as net.AddressInfo).port;
          resolve();
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server?.close(() => resolve());
      }),
  };
}

describe('isRedisReachable', () => {
  it('is true for the test Redis and false for a port nothing listens on', async () => {
    await expect(isRedisReachable(REDIS_URL, 1000)).resolves.toBe(true);
    const started = Date.now();
    await expect(isRedisReachable(UNUSED_REDIS_URL, 1000)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is false for a malformed URL', async () => {
    await expect(isRedisReachable('not a url', 500)).resolves.toBe(false);
    await expect(isRedisReachable('http://127.0.0.1:6379', 500)).resolves.toBe(false);
  });

  it('gives up on a server that never answers within the timeout', async () => {
    const server = await silentServer();
    try {
      const started = Date.now();
      await expect(isRedisReachable(server.url, 300)).resolves.toBe(false);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await server.close();
    }
  });

  it('leaves no socket or timer open', async () => {
    await isRedisReachable(REDIS_URL, 1000); // warm up module-level lazies
    const before = activeResources();
    await isRedisReachable(REDIS_URL, 1000);
    await isRedisReachable(UNUSED_REDIS_URL, 1000);
    await sleep(20);
    const after = activeResources();
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
  });
});

describe('connectRedis', () => {
  it('refuses a URL that is not redis:// or rediss:// with config_invalid', () => {
    expect(() => connectRedis('localhost:6379', quietLogger())).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
  });

  it('strips the password when describing the URL', () => {
    expect(describeRedisUrl('redis://flowdesk:s3cret@redis.internal:6380/2')).toBe(
      'redis://flowdesk:***@redis.internal:6380/2',
    );
    expect(describeRedisUrl('rediss://:s3cret@cache.example.com')).not.toContain('s3cret');
    expect(describeRedisUrl('::nonsense::')).toBe('<invalid redis url>');
  });

  it('backs off exponentially, capped, forever', () => {
    expect(reconnectDelay(1, 5000)).toBeLessThanOrEqual(100);
    expect(reconnectDelay(4, 5000)).toBeGreaterThan(reconnectDelay(1, 5000));
    for (const attempt of [20, 1000, 1_000_000]) {
      const delay = reconnectDelay(attempt, 5000);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(5000);
    }
  });

  it('fails fast during a Redis blip and resumes by itself when Redis is back', async () => {
    const proxy = redisProxy();
    await proxy.start();
    const { logger, lines } = capturingLogger();
    const redis: Redis = connectRedis(proxy.url(), logger, { maxRetryDelayMs: 200 });
    const store = createRedisStore({ redis, logger, readyWaitMs: 300 });
    try {
      await expect(store.ping()).resolves.toBeUndefined();

      await proxy.stop();
      const started = Date.now();
      await expectStoreError(store.ping(), 'store_unavailable');
      expect(Date.now() - started).toBeLessThan(2000);

      await proxy.start();
      await expect(eventually(() => store.ping(), 5000)).resolves.toBeUndefined();
      const messages = lines.map((line) => JSON.parse(line).msg as string);
      expect(messages).toContain('Redis unavailable; reconnecting in the background');
      expect(messages).toContain('Redis connection restored');
    } finally {
      await store.close();
      await proxy.stop();
    }
  });
});

async function eventually(action: () => Promise<void>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}
