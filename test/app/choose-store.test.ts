/**
 * chooseStore: Redis gives two stores over the same data (people's requests on one connection,
 * background work auto-pipelined on another); `flowdesk chat` without Redis gets one memory store.
 */
import { chooseStore } from '../../src/app/choose-store';
import {
  deleteTestKeys,
  quietLogger,
  REDIS_URL,
  UNUSED_REDIS_URL,
  uniquePrefix,
} from '../adapters/store/redis-test-support';
import { FixedClock } from '../fakes/fixed-clock';
import { buildRequest } from '../helpers/build-request';

describe('chooseStore', () => {
  const prefix = uniquePrefix('choose-store');
  afterAll(() => deleteTestKeys(prefix));

  it('serves people and background work from two connections over the same data', async () => {
    const choice = await chooseStore({
      redisUrl: REDIS_URL,
      prefix,
      logger: quietLogger(),
      clock: new FixedClock(),
      allowMemory: false,
    });
    try {
      expect(choice.backgroundStore).not.toBe(choice.store);
      expect(choice.redis?.options.enableAutoPipelining).toBe(true);
      const request = buildRequest();
      await choice.store.createRequest(request);
      expect((await choice.backgroundStore.getRequest(request.id))?.id).toBe(request.id);
      await choice.backgroundStore.indexRun('run-1', request.id);
      expect(await choice.store.findRequestIdByRun('run-1')).toBe(request.id);
    } finally {
      await Promise.all([choice.store.close(), choice.backgroundStore.close()]);
    }
    await expect(choice.backgroundStore.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
  });

  it('gives chat one in-memory store when Redis does not answer', async () => {
    const choice = await chooseStore({
      redisUrl: UNUSED_REDIS_URL,
      prefix,
      logger: quietLogger(),
      clock: new FixedClock(),
      allowMemory: true,
      probeTimeoutMs: 200,
    });
    expect(choice.redis).toBeNull();
    expect(choice.backgroundStore).toBe(choice.store);
    expect(choice.description).toContain('in-memory');
  });
});
