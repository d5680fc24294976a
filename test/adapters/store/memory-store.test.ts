import { createMemoryStore } from '../../../src/adapters/store/memory-store';
import type { Clock } from '../../../src/core/ports';
import { buildContext, buildRequest } from '../../helpers/build-request';
import { describeStoreContract } from './store-contract';

describeStoreContract(
  'memory store',
  async (options) => createMemoryStore(options),
  (store) => store.close(),
);

/** A clock the test moves by hand. */
function manualClock(startMs = Date.UTC(2025, 0, 15, 9, 0)): Clock & { advance(ms: number): void } {
  let nowMs = startMs;
  return {
    now: () => new Date(nowMs),
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

describe('memory store with an injected clock', () => {
  it('expires a context exactly at its TTL', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const context = buildContext();
    await store.saveContext(context, 30);
    clock.advance(29_999);
    await expect(store.getContext(context.thread)).resolves.toEqual(context);
    clock.advance(1);
    await expect(store.getContext(context.thread)).resolves.toBeNull();
  });

  it('a fresh save restarts the context TTL (expiry after inactivity)', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const context = buildContext();
    await store.saveContext(context, 10);
    clock.advance(9_000);
    await store.saveContext(context, 10);
    clock.advance(9_000);
    await expect(store.getContext(context.thread)).resolves.toEqual(context);
  });

  it('frees claims and leases by the clock', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    await expect(store.claimOnce('event-1', 60)).resolves.toBe(true);
    await expect(store.acquireLease('poller', 'a', 5_000)).resolves.toBe(true);
    clock.advance(4_999);
    await expect(store.acquireLease('poller', 'b', 5_000)).resolves.toBe(false);
    clock.advance(1);
    await expect(store.acquireLease('poller', 'b', 5_000)).resolves.toBe(true);
    await store.releaseLease('poller', 'a'); // a no longer owns it: no effect
    await expect(store.acquireLease('poller', 'a', 5_000)).resolves.toBe(false);
    await expect(store.claimOnce('event-1', 60)).resolves.toBe(false);
    clock.advance(55_000);
    await expect(store.claimOnce('event-1', 60)).resolves.toBe(true);
  });

  it('hands out copies: mutating a returned record does not change the store', async () => {
    const store = createMemoryStore();
    const request = buildRequest();
    await store.createRequest(request);
    request.status = 'closed';
    const read = await store.getRequest(request.id);
    expect(read?.status).toBe('awaiting_confirmation');
    read!.parameters.user_email = 'mallory@example.com';
    expect((await store.getRequest(request.id))?.parameters.user_email).toBe('ann@example.com');
  });

  it('keeps each instance separate', async () => {
    const first = createMemoryStore();
    const second = createMemoryStore();
    const request = buildRequest();
    await first.createRequest(request);
    await expect(second.getRequest(request.id)).resolves.toBeNull();
    await expect(second.createRequest(request)).resolves.toBe(true);
  });
});
