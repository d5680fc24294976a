import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { createInFlightWork } from '../../../src/adapters/slack/in-flight-work';

type MiddlewareArgs = AnyMiddlewareArgs & AllMiddlewareArgs;

/** Runs an event through the middleware whose listeners take `ms` to finish. */
function event(work: ReturnType<typeof createInFlightWork>, ms: number, fail = false) {
  const next = () =>
    new Promise<void>((resolve, reject) =>
      setTimeout(() => (fail ? reject(new Error('listener failed')) : resolve()), ms),
    );
  return work.middleware({ next } as unknown as MiddlewareArgs);
}

describe('in-flight listener work', () => {
  it('drain waits until every event’s listeners are done', async () => {
    const work = createInFlightWork();
    let finished = 0;
    void event(work, 30).then(() => (finished += 1));
    void event(work, 60).then(() => (finished += 1));
    expect(work.size()).toBe(2);
    await expect(work.drain(2000)).resolves.toBe(true);
    expect(finished).toBe(2);
    expect(work.size()).toBe(0);
  });

  it('drain gives up after its time; a failed listener still counts as finished', async () => {
    const work = createInFlightWork();
    const slow = event(work, 400);
    void event(work, 10, true).catch(() => undefined);
    const started = Date.now();
    await expect(work.drain(100)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(300);
    expect(work.size()).toBe(1);
    await slow;
    await expect(work.drain(10)).resolves.toBe(true);
  });
});
