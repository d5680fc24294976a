/**
 * The behaviour every Store adapter must have (SPEC §5, §11). Not a test file itself: each adapter's
 * test calls `describeStoreContract` with a factory for a fresh, empty store.
 */
import { FlowdeskError } from '../../../src/core/errors';
import type { Store } from '../../../src/core/ports';
import type { RequestRecord } from '../../../src/core/types';
import {
  buildContext,
  buildRequest,
  buildRequester,
  buildThread,
  uniqueId,
} from '../../helpers/build-request';

export interface ContractStoreOptions {
  recentRequestsMax?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function expectStoreError(
  promise: Promise<unknown>,
  code: FlowdeskError['code'],
): Promise<FlowdeskError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a FlowdeskError(${code}), but the call succeeded`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FlowdeskError);
  expect((error as FlowdeskError).code).toBe(code);
  return error as FlowdeskError;
}

/** read → CAS(awaiting_confirmation → submitting), retrying on conflict; true when this worker moved it. */
export async function tryToSubmit(store: Store, id: string): Promise<boolean> {
  for (;;) {
    const current = await store.getRequest(id);
    if (current?.status !== 'awaiting_confirmation') return false;
    if (await store.compareAndSet({ ...current, status: 'submitting' }, current.version)) return true;
  }
}

/** read → CAS(counter + 1), retrying until it lands: no update may be lost. */
export async function incrementCounter(store: Store, id: string): Promise<number> {
  for (let attempts = 1; ; attempts += 1) {
    const current = (await store.getRequest(id))!;
    const counter = Number(current.parameters.counter ?? 0) + 1;
    if (await store.compareAndSet({ ...current, parameters: { counter } }, current.version)) return attempts;
  }
}

export function describeStoreContract(
  name: string,
  makeStore: (options?: ContractStoreOptions) => Promise<Store>,
  cleanup: (store: Store) => Promise<void>,
): void {
  describe(`${name} (Store contract)`, () => {
    let store: Store;
    const opened: Store[] = [];
    const open = async (options?: ContractStoreOptions) => {
      const created = await makeStore(options);
      opened.push(created);
      return created;
    };

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => cleanup(each)));
    });

    describeContexts(() => store);
    describeRequests(() => store, open);
    describeConcurrency(() => store);
    describeIndexes(() => store);
    describeCoordination(() => store);

    it('pings while open, and fails with store_unavailable once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expectStoreError(store.ping(), 'store_unavailable');
      await expectStoreError(store.getRequest('anything'), 'store_unavailable');
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}

function describeContexts(current: () => Store): void {
  describe('conversation context', () => {
    it('returns null for a thread it never saw', async () => {
      await expect(current().getContext(buildThread({ threadTs: uniqueId('ts') }))).resolves.toBeNull();
    });

    it('saves, replaces and keeps threads apart', async () => {
      const store = current();
      const first = buildContext({
        thread: buildThread({ threadTs: uniqueId('ts') }),
        pendingRequestId: 'r1',
      });
      const other = buildContext({ thread: buildThread({ threadTs: uniqueId('ts') }) });
      await store.saveContext(first, 60);
      await store.saveContext(other, 60);
      await expect(store.getContext(first.thread)).resolves.toEqual(first);
      const replaced = { ...first, awaitingParameters: ['environment'], pendingRequestId: 'r2' };
      await store.saveContext(replaced, 60);
      await expect(store.getContext(first.thread)).resolves.toEqual(replaced);
      await expect(store.getContext(other.thread)).resolves.toEqual(other);
    });

    it('forgets a context once its TTL has passed', async () => {
      const store = current();
      const context = buildContext({ thread: buildThread({ threadTs: uniqueId('ts') }) });
      await store.saveContext(context, 0.15);
      await sleep(400);
      await expect(store.getContext(context.thread)).resolves.toBeNull();
    });

    it('rejects a non-positive TTL and saves nothing', async () => {
      const store = current();
      const context = buildContext({ thread: buildThread({ threadTs: uniqueId('ts') }) });
      await expectStoreError(store.saveContext(context, 0), 'internal');
      await expectStoreError(store.saveContext(context, Number.NaN), 'internal');
      await expect(store.getContext(context.thread)).resolves.toBeNull();
    });
  });
}

function describeRequests(
  current: () => Store,
  open: (options?: ContractStoreOptions) => Promise<Store>,
): void {
  describe('requests', () => {
    it('creates once: a second create with the same id returns false and changes nothing', async () => {
      const store = current();
      const request = buildRequest({ approvals: [], messages: {}, run: undefined });
      await expect(store.createRequest(request)).resolves.toBe(true);
      await expect(store.createRequest({ ...request, processId: 'other' })).resolves.toBe(false);
      const stored = await store.getRequest(request.id);
      expect(stored).toEqual(JSON.parse(JSON.stringify(request)));
      expect(stored?.approvals).toEqual([]);
      await expect(store.getRequest('no-such-request')).resolves.toBeNull();
    });

    it('schedules the expiry with the request when asked, and not for a create that lost', async () => {
      const store = current();
      const request = buildRequest();
      await expect(store.createRequest(request, { expiresAtMs: 4000 })).resolves.toBe(true);
      await expect(store.createRequest(request, { expiresAtMs: 1000 })).resolves.toBe(false);
      const other = buildRequest();
      await store.createRequest(other);
      await expect(store.dueExpiries(3999, 10)).resolves.toEqual([]);
      await expect(store.dueExpiries(4000, 10)).resolves.toEqual([request.id]);
      await expectStoreError(store.createRequest(buildRequest(), { expiresAtMs: Number.NaN }), 'internal');
      await expect(store.dueExpiries(Number.MAX_SAFE_INTEGER, 10)).resolves.toEqual([request.id]);
    });

    it('claims a once-key with the request: a second create with that key writes nothing', async () => {
      const store = current();
      const once = { key: `once:${Math.random()}`, ttlSeconds: 60 };
      const first = buildRequest();
      await expect(store.createRequest(first, { once, expiresAtMs: 1000 })).resolves.toBe(true);
      const second = buildRequest({ requester: buildRequester({ id: 'U0SECOND' }) });
      await expect(store.createRequest(second, { once, expiresAtMs: 2000 })).resolves.toBe(false);
      await expect(store.getRequest(second.id)).resolves.toBeNull();
      await expect(store.listRequestsByUser('U0SECOND', 10)).resolves.toEqual([]);
      await expect(store.dueExpiries(5000, 10)).resolves.toEqual([first.id]);
      await expect(store.claimOnce(once.key, 60)).resolves.toBe(false);
      // A create refused for its id does not take the key.
      const fresh = { key: `once:${Math.random()}`, ttlSeconds: 60 };
      await expect(store.createRequest(first, { once: fresh })).resolves.toBe(false);
      await expect(store.claimOnce(fresh.key, 60)).resolves.toBe(true);
    });

    it('rejects an invalid record without storing it', async () => {
      const store = current();
      const bad = buildRequest({ createdAt: 'yesterday-ish' });
      await expectStoreError(store.createRequest(bad), 'internal');
      await expect(store.getRequest(bad.id)).resolves.toBeNull();
      await expect(store.listRequestsByUser(bad.requester.id, 10)).resolves.toEqual([]);
    });

    it('compare-and-set writes iff the version matches, and stores version + 1', async () => {
      const store = current();
      const request = buildRequest({ version: 3 });
      await store.createRequest(request);
      const next: RequestRecord = { ...request, status: 'awaiting_approval', approvals: [] };
      await expect(store.compareAndSet(next, 2)).resolves.toBe(false);
      expect((await store.getRequest(request.id))?.status).toBe('awaiting_confirmation');
      await expect(store.compareAndSet(next, 3)).resolves.toBe(true);
      expect(next.version).toBe(3); // the caller's object is not mutated
      const stored = await store.getRequest(request.id);
      expect(stored).toMatchObject({ status: 'awaiting_approval', version: 4, approvals: [], messages: {} });
      await expect(store.compareAndSet({ ...stored!, status: 'closed' }, 3)).resolves.toBe(false);
      expect((await store.getRequest(request.id))?.version).toBe(4);
    });

    it('compare-and-set on a missing request returns false and creates nothing', async () => {
      const store = current();
      const ghost = buildRequest();
      await expect(store.compareAndSet(ghost, 0)).resolves.toBe(false);
      await expect(store.getRequest(ghost.id)).resolves.toBeNull();
      await expectStoreError(store.compareAndSet(ghost, -1), 'internal');
    });

    it("lists a user's requests most recent first, with a limit", async () => {
      const store = current();
      const ann = buildRequester({ id: uniqueId('U') });
      const bob = buildRequester({ id: uniqueId('U') });
      const at = (minute: number) => new Date(Date.UTC(2025, 0, 15, 9, minute)).toISOString();
      const middle = buildRequest({ requester: ann, createdAt: at(20) });
      const newest = buildRequest({ requester: ann, createdAt: at(30) });
      const oldest = buildRequest({ requester: ann, createdAt: at(10) });
      const bobs = buildRequest({ requester: bob, createdAt: at(40) });
      for (const request of [middle, newest, oldest, bobs]) await store.createRequest(request);
      const ids = (records: RequestRecord[]) => records.map((record) => record.id);
      expect(ids(await store.listRequestsByUser(ann.id, 10))).toEqual([newest.id, middle.id, oldest.id]);
      expect(ids(await store.listRequestsByUser(ann.id, 2))).toEqual([newest.id, middle.id]);
      expect(ids(await store.listRequestsByUser(ann.id, 0))).toEqual([]);
      expect(ids(await store.listRecentRequests(3))).toEqual([bobs.id, newest.id, middle.id]);
      await expect(store.listRequestsByUser(uniqueId('U'), 5)).resolves.toEqual([]);
    });

    it('shows the latest version in lists after a compare-and-set', async () => {
      const store = current();
      const request = buildRequest({ requester: buildRequester({ id: uniqueId('U') }) });
      await store.createRequest(request);
      await store.compareAndSet({ ...request, status: 'closed', closedReason: 'cancelled' }, 0);
      const [listed] = await store.listRequestsByUser(request.requester.id, 1);
      expect(listed).toMatchObject({
        id: request.id,
        status: 'closed',
        closedReason: 'cancelled',
        version: 1,
      });
    });

    it('keeps only the most recent requests in the recent index', async () => {
      const store = await open({ recentRequestsMax: 3 });
      const created: RequestRecord[] = [];
      for (let minute = 0; minute < 5; minute += 1) {
        const request = buildRequest({ createdAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString() });
        created.push(request);
        await store.createRequest(request);
      }
      const recent = await store.listRecentRequests(10);
      expect(recent.map((record) => record.id)).toEqual([created[4].id, created[3].id, created[2].id]);
      await expect(store.getRequest(created[0].id)).resolves.not.toBeNull(); // trimmed from the index only
    });
  });
}

function describeConcurrency(current: () => Store): void {
  describe('concurrent transitions', () => {
    it('50 concurrent transitions of one request have exactly one winner', async () => {
      const store = current();
      const request = buildRequest({ status: 'awaiting_confirmation', version: 7 });
      await store.createRequest(request);
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => tryToSubmit(store, request.id)));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await store.getRequest(request.id)).toMatchObject({ status: 'submitting', version: 8 });
    });

    it('50 concurrent read-modify-writes lose no update', async () => {
      const store = current();
      const request = buildRequest({ parameters: { counter: 0 }, version: 0 });
      await store.createRequest(request);
      await Promise.all(Array.from({ length: 50 }, () => incrementCounter(store, request.id)));
      expect(await store.getRequest(request.id)).toMatchObject({ parameters: { counter: 50 }, version: 50 });
    });
  });
}

function describeIndexes(current: () => Store): void {
  describe('run index, followed set and expiries', () => {
    it('maps a flow run to its request', async () => {
      const store = current();
      const runId = uniqueId('run');
      await expect(store.findRequestIdByRun(runId)).resolves.toBeNull();
      await store.indexRun(runId, 'req-1');
      await expect(store.findRequestIdByRun(runId)).resolves.toBe('req-1');
      await expectStoreError(store.indexRun('', 'req-1'), 'internal');
    });

    it('follows each request once, oldest first, until removed', async () => {
      const store = current();
      for (const id of ['f-c', 'f-a', 'f-b']) {
        await store.addFollowed(id);
        await sleep(5);
      }
      await store.addFollowed('f-c'); // again: neither duplicated nor moved
      await expect(store.listFollowed(10)).resolves.toEqual(['f-c', 'f-a', 'f-b']);
      await expect(store.listFollowed(2)).resolves.toEqual(['f-c', 'f-a']);
      await store.removeFollowed('f-a');
      await store.removeFollowed('never-followed');
      await expect(store.listFollowed(10)).resolves.toEqual(['f-c', 'f-b']);
      await expect(store.listFollowed(0)).resolves.toEqual([]);
    });

    it('returns due expiries earliest first without removing them', async () => {
      const store = current();
      await store.scheduleExpiry('e-a', 3000);
      await store.scheduleExpiry('e-b', 1000);
      await store.scheduleExpiry('e-c', 2000);
      await store.scheduleExpiry('e-d', 5000);
      await expect(store.dueExpiries(2500, 10)).resolves.toEqual(['e-b', 'e-c']);
      await expect(store.dueExpiries(2500, 10)).resolves.toEqual(['e-b', 'e-c']);
      await expect(store.dueExpiries(10_000, 2)).resolves.toEqual(['e-b', 'e-c']);
      await expect(store.dueExpiries(999, 10)).resolves.toEqual([]);
      await store.cancelExpiry('e-b');
      await store.scheduleExpiry('e-c', 6000); // rescheduled: moves, not duplicated
      await expect(store.dueExpiries(5000, 10)).resolves.toEqual(['e-a', 'e-d']);
      await expect(store.dueExpiries(10_000, 10)).resolves.toEqual(['e-a', 'e-d', 'e-c']);
      await expectStoreError(store.scheduleExpiry('e-x', Number.NaN), 'internal');
    });
  });
}

function describeCoordination(current: () => Store): void {
  describe('claims and leases', () => {
    it('claims a key once among 20 concurrent claims, and again after its TTL', async () => {
      const store = current();
      const key = uniqueId('event');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce(key, 0.3)));
      expect(results.filter(Boolean)).toHaveLength(1);
      await expect(store.claimOnce(uniqueId('event'), 60)).resolves.toBe(true);
      await sleep(500);
      await expect(store.claimOnce(key, 60)).resolves.toBe(true);
      await expectStoreError(store.claimOnce(uniqueId('event'), -1), 'internal');
    });

    it('lets only the owner renew or release a lease', async () => {
      const store = current();
      const key = uniqueId('lease');
      await expect(store.acquireLease(key, 'replica-a', 10_000)).resolves.toBe(true);
      await expect(store.acquireLease(key, 'replica-b', 10_000)).resolves.toBe(false);
      await expect(store.acquireLease(key, 'replica-a', 10_000)).resolves.toBe(true);
      await store.releaseLease(key, 'replica-b');
      await expect(store.acquireLease(key, 'replica-b', 10_000)).resolves.toBe(false);
      await store.releaseLease(key, 'replica-a');
      await expect(store.acquireLease(key, 'replica-b', 10_000)).resolves.toBe(true);
      await expectStoreError(store.acquireLease(key, 'replica-a', 0), 'internal');
    });

    it('frees a lease when it expires, and renewal extends it', async () => {
      const store = current();
      const expiring = uniqueId('lease');
      await store.acquireLease(expiring, 'replica-a', 150);
      await sleep(350);
      await expect(store.acquireLease(expiring, 'replica-b', 10_000)).resolves.toBe(true);

      const renewed = uniqueId('lease');
      await store.acquireLease(renewed, 'replica-a', 500);
      await sleep(300);
      await expect(store.acquireLease(renewed, 'replica-a', 500)).resolves.toBe(true);
      await sleep(300); // past the first term, within the renewed one
      await expect(store.acquireLease(renewed, 'replica-b', 500)).resolves.toBe(false);
    });
  });
}
