/**
 * The runtime's progress refresher over a real Redis store: progress events reach the Notifier
 * when the percentage changes, at most once per run per interval, and from one replica only.
 */
import Redis from 'ioredis';
import { createRedisStore } from '../../src/adapters/store/redis-store';
import { createRuntimeProgress } from '../../src/app/runtime-progress';
import { newRequestRecord } from '../../src/core/engine/request-records';
import type { ProcessCatalog, RequestRecord, RunState } from '../../src/core/types';
import { deleteTestKeys, REDIS_URL, uniquePrefix } from '../adapters/store/redis-test-support';
import { FakePrefectPort } from '../fakes/fake-prefect-port';
import { FixedClock } from '../fakes/fixed-clock';
import { RecordingNotifier } from '../fakes/recording-notifier';
import { MemoryLogger } from '../fakes/silent-logger';

const prefix = uniquePrefix('runtime-progress');
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const store = createRedisStore({ redis, prefix, logger: new MemoryLogger() });
const catalog: { current(): ProcessCatalog } = {
  current: () => ({ processes: [], byId: new Map(), files: [] }),
};

afterAll(async () => {
  await store.close();
  await deleteTestKeys(prefix);
});

const RUNNING: RunState = { type: 'RUNNING', name: 'Running', timestamp: '2025-06-12T10:00:00.000Z' };

async function followedRequest(
  id: string,
  flowRunId: string,
  state: RunState = RUNNING,
): Promise<RequestRecord> {
  const base = newRequestRecord({
    id,
    processId: 'refresh-dashboard',
    parameters: {},
    requester: { id: 'U0ANN', name: 'Ann', tz: 'UTC' },
    thread: { channel: 'C0DATA', threadTs: `${id}.1`, isDm: false },
    status: 'awaiting_confirmation',
    now: new Date('2025-06-12T09:59:00.000Z'),
    ttlMs: 60_000,
  });
  const request: RequestRecord = {
    ...base,
    status: 'submitted',
    run: { flowRunId, deploymentId: 'dep-1', url: `http://prefect.test/runs/flow-run/${flowRunId}`, state },
  };
  await store.createRequest(request);
  await store.addFollowed(id);
  return request;
}

function replica(clock: FixedClock, prefect: FakePrefectPort, notifier: RecordingNotifier, owner: string) {
  return createRuntimeProgress({
    store,
    prefect,
    catalog,
    clock,
    logger: new MemoryLogger(),
    notifier,
    owner,
  });
}

const progressOf = (notifier: RecordingNotifier) =>
  notifier.events.map((e) =>
    e.event.kind === 'progress' ? (e.event.progress?.percent ?? null) : e.event.kind,
  );

describe('createRuntimeProgress', () => {
  it('announces changed progress once per interval, from the replica holding the lease', async () => {
    const clock = new FixedClock();
    const prefect = new FakePrefectPort(clock);
    const notifier = new RecordingNotifier();
    const a = replica(clock, prefect, notifier, 'replica-a');
    const b = replica(clock, prefect, notifier, 'replica-b');
    await followedRequest('req-progress-1', 'run-p1');
    prefect.artifacts.set('run-p1', [{ id: 'p1', key: 'load', type: 'progress', data: 40 }]);

    await a.tick();
    await b.tick();
    expect(progressOf(notifier)).toEqual([40]);
    expect(notifier.events[0].request.id).toBe('req-progress-1');

    // Changed, but within the interval: not read again.
    prefect.artifacts.set('run-p1', [{ id: 'p1', key: 'load', type: 'progress', data: 70 }]);
    clock.advance(1000);
    await a.tick();
    await b.tick();
    expect(progressOf(notifier)).toEqual([40]);

    clock.advance(2000);
    await b.tick();
    await a.tick();
    expect(progressOf(notifier)).toEqual([40, 70]);

    // Unchanged: nothing to redraw.
    clock.advance(3000);
    await a.tick();
    expect(progressOf(notifier)).toEqual([40, 70]);
  });

  it('says nothing for runs that are not RUNNING or have no progress artifact', async () => {
    const clock = new FixedClock();
    const prefect = new FakePrefectPort(clock);
    const notifier = new RecordingNotifier();
    const refresher = replica(clock, prefect, notifier, 'replica-c');
    await followedRequest('req-progress-2', 'run-p2', { ...RUNNING, type: 'PENDING', name: 'Pending' });
    await followedRequest('req-progress-3', 'run-p3');
    prefect.artifacts.set('run-p2', [{ id: 'p2', type: 'progress', data: 50 }]);
    prefect.artifacts.set('run-p3', [{ id: 'm3', key: 'notes', type: 'markdown', data: '50%' }]);
    await refresher.tick();
    expect(
      notifier.events.filter((e) => ['req-progress-2', 'req-progress-3'].includes(e.request.id)),
    ).toEqual([]);
  });
});
