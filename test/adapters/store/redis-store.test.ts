import type Redis from 'ioredis';
import { connectRedis } from '../../../src/adapters/store/redis-connection';
import { createRedisStore } from '../../../src/adapters/store/redis-store';
import type { FlowdeskError } from '../../../src/core/errors';
import type { Store } from '../../../src/core/ports';
import { buildContext, buildRequest, buildRequester, uniqueId } from '../../helpers/build-request';
import {
  adminConnection,
  capturingLogger,
  deleteKeys,
  quietLogger,
  REDIS_URL,
  UNUSED_REDIS_URL,
  uniquePrefix,
} from './redis-test-support';
import { describeStoreContract, expectStoreError, incrementCounter, tryToSubmit } from './store-contract';

const admin = adminConnection();
const prefixes = new Map<Store, string>();
const usedPrefixes: string[] = [];

afterAll(async () => {
  for (const prefix of usedPrefixes) await deleteKeys(admin, prefix);
  await admin.quit();
});

function openStore(prefix: string, options: { recentRequestsMax?: number } = {}): Store {
  const store = createRedisStore({
    redis: connectRedis(REDIS_URL, quietLogger()),
    prefix,
    logger: quietLogger(),
    ...options,
  });
  prefixes.set(store, prefix);
  return store;
}

describeStoreContract(
  'redis store',
  async (options) => {
    const prefix = uniquePrefix('redis-store');
    usedPrefixes.push(prefix);
    return openStore(prefix, options);
  },
  async (store) => {
    await store.close();
    await deleteKeys(admin, prefixes.get(store)!);
  },
);

describe('redis store', () => {
  const prefix = uniquePrefix('redis-store');
  usedPrefixes.push(prefix);
  let store: Store;
  beforeAll(() => {
    store = openStore(prefix);
  });
  afterAll(() => store.close());

  it('keeps requests as JSON under <prefix>req:<id>, indexed by createdAt', async () => {
    const request = buildRequest({ requester: buildRequester({ id: uniqueId('U') }) });
    await store.createRequest(request);
    expect(JSON.parse((await admin.get(`${prefix}req:${request.id}`))!)).toEqual(request);
    const score = await admin.zscore(`${prefix}user:${request.requester.id}:requests`, request.id);
    expect(Number(score)).toBe(Date.parse(request.createdAt));
    expect(await admin.zscore(`${prefix}requests:recent`, request.id)).toBe(score);
  });

  it('sets the TTLs of contexts and claims on the Redis keys themselves', async () => {
    const context = buildContext();
    await store.saveContext(context, 120);
    const contextTtl = await admin.pttl(`${prefix}ctx:${context.thread.channel}:${context.thread.threadTs}`);
    expect(contextTtl).toBeGreaterThan(110_000);
    expect(contextTtl).toBeLessThanOrEqual(120_000);
    const key = uniqueId('event');
    await store.claimOnce(key, 30);
    expect(await admin.pttl(`${prefix}claim:${key}`)).toBeGreaterThan(25_000);
  });

  it('finds everything again from a new connection (a restart loses nothing)', async () => {
    const request = buildRequest();
    const context = buildContext();
    await store.createRequest(request);
    await store.saveContext(context, 60);
    await store.indexRun('run-restart', request.id);
    await store.addFollowed(request.id);
    const restarted = openStore(prefix);
    await expect(restarted.getRequest(request.id)).resolves.toEqual(request);
    await expect(restarted.getContext(context.thread)).resolves.toEqual(context);
    await expect(restarted.findRequestIdByRun('run-restart')).resolves.toBe(request.id);
    await expect(restarted.listFollowed(100)).resolves.toContain(request.id);
    await restarted.close();
  });

  it('reports a corrupt record as internal, and lists skip it', async () => {
    const request = buildRequest({ requester: buildRequester({ id: uniqueId('U') }) });
    await store.createRequest(request);
    await admin.set(`${prefix}req:${request.id}`, '{not json');
    await expectStoreError(store.getRequest(request.id), 'internal');
    await expectStoreError(store.compareAndSet(request, 0), 'internal');
    await expect(store.listRequestsByUser(request.requester.id, 5)).resolves.toEqual([]);
    expect(await admin.get(`${prefix}req:${request.id}`)).toBe('{not json');
  });

  it('reloads its scripts after SCRIPT FLUSH', async () => {
    const request = buildRequest();
    await store.createRequest(request);
    await admin.script('FLUSH');
    await expect(store.compareAndSet({ ...request, status: 'closed' }, 0)).resolves.toBe(true);
    await expect(store.acquireLease(uniqueId('lease'), 'a', 1000)).resolves.toBe(true);
  });

  it('connects on first use with lazyConnect', async () => {
    const redis = connectRedis(REDIS_URL, quietLogger(), { lazyConnect: true });
    const lazy = createRedisStore({ redis, prefix, logger: quietLogger() });
    expect(redis.status).toBe('wait');
    await expect(lazy.ping()).resolves.toBeUndefined();
    await lazy.close();
  });
});

describe('redis store across two replicas', () => {
  const prefix = uniquePrefix('redis-store-replicas');
  usedPrefixes.push(prefix);
  let replicaA: Store;
  let replicaB: Store;
  beforeAll(() => {
    replicaA = openStore(prefix);
    replicaB = openStore(prefix);
  });
  afterAll(() => Promise.all([replicaA.close(), replicaB.close()]));
  const replicaFor = (worker: number) => (worker % 2 === 0 ? replicaA : replicaB);

  it('50 concurrent transitions split over two connections have exactly one winner', async () => {
    const request = buildRequest({ version: 0 });
    await replicaA.createRequest(request);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, worker) => tryToSubmit(replicaFor(worker), request.id)),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    await expect(replicaB.getRequest(request.id)).resolves.toMatchObject({
      status: 'submitting',
      version: 1,
    });
  });

  it('50 read-modify-writes split over two connections lose no update', async () => {
    const request = buildRequest({ parameters: { counter: 0 } });
    await replicaB.createRequest(request);
    await Promise.all(
      Array.from({ length: 50 }, (_, worker) => incrementCounter(replicaFor(worker), request.id)),
    );
    await expect(replicaA.getRequest(request.id)).resolves.toMatchObject({
      parameters: { counter: 50 },
      version: 50,
    });
  });

  it('claims once and leases exclusively across replicas', async () => {
    const key = uniqueId('event');
    const claims = await Promise.all(Array.from({ length: 20 }, (_, n) => replicaFor(n).claimOnce(key, 60)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const lease = uniqueId('lease');
    const leases = await Promise.all([
      replicaA.acquireLease(lease, 'replica-a', 10_000),
      replicaB.acquireLease(lease, 'replica-b', 10_000),
    ]);
    expect(leases.filter(Boolean)).toHaveLength(1);
  });

  it('creates a request once when both replicas create it at the same time', async () => {
    const request = buildRequest();
    const created = await Promise.all([replicaA.createRequest(request), replicaB.createRequest(request)]);
    expect(created.filter(Boolean)).toHaveLength(1);
  });
});

describe('redis store when Redis is down', () => {
  let redis: Redis;
  let store: Store;
  const failures: string[] = [];
  beforeAll(() => {
    redis = connectRedis(UNUSED_REDIS_URL, quietLogger());
    store = createRedisStore({
      redis,
      logger: quietLogger(),
      onError: (operation) => failures.push(operation),
    });
  });
  afterAll(() => store.close());

  const operations: Array<[string, (store: Store) => Promise<unknown>]> = [
    ['ping', (s) => s.ping()],
    ['getRequest', (s) => s.getRequest('r1')],
    ['createRequest', (s) => s.createRequest(buildRequest())],
    ['compareAndSet', (s) => s.compareAndSet(buildRequest(), 0)],
    ['listRecentRequests', (s) => s.listRecentRequests(10)],
    ['saveContext', (s) => s.saveContext(buildContext(), 60)],
    ['claimOnce', (s) => s.claimOnce('event', 60)],
    ['acquireLease', (s) => s.acquireLease('poller', 'a', 1000)],
    ['dueExpiries', (s) => s.dueExpiries(Date.now(), 10)],
  ];

  it('fails every operation fast with store_unavailable', async () => {
    const started = Date.now();
    const errors: FlowdeskError[] = await Promise.all(
      operations.map(([, act]) => expectStoreError(act(store), 'store_unavailable')),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    operations.forEach(([operation], index) => {
      expect(errors[index].message).toContain(operation);
      expect(errors[index].message).toContain('ECONNREFUSED');
      expect(errors[index].userMessage).toMatch(/Redis/);
    });
    expect(failures.sort()).toEqual(operations.map(([operation]) => operation).sort());
  });
});

describe('redis store secrets', () => {
  it('keeps the password out of errors and logs', async () => {
    const { logger, lines } = capturingLogger();
    const redis = connectRedis('redis://flowdesk:hunter2-secret@127.0.0.1:6390', logger);
    const store = createRedisStore({ redis, logger });
    const error = await expectStoreError(store.ping(), 'store_unavailable');
    await store.close();
    expect(lines.length).toBeGreaterThan(0);
    const everything = [error.message, error.userMessage, String(error.cause), ...lines].join('\n');
    expect(everything).not.toContain('hunter2');
  });
});
