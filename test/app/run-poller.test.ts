import { startRunPoller } from '../../src/app/run-poller';
import { MemoryLogger } from '../fakes/silent-logger';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startRunPoller', () => {
  it('polls at the interval, doubles the delay after failures and recovers', async () => {
    const calls: number[] = [];
    let failuresLeft = 3;
    const poller = startRunPoller({
      follower: {
        pollOnce: async () => {
          calls.push(Date.now());
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('prefect down');
          }
          return 0;
        },
      },
      intervalMs: 20,
      maxBackoffMs: 100,
      logger: new MemoryLogger(),
    });
    await sleep(20 + 40 + 80 + 160 + 60);
    await poller.stop();
    const gaps = calls.slice(1).map((at, i) => at - calls[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps[0]).toBeGreaterThanOrEqual(35); // after 1st failure: 40
    expect(gaps[1]).toBeGreaterThanOrEqual(75); // after 2nd: 80
    expect(gaps[2]).toBeGreaterThanOrEqual(95); // after 3rd: capped at 100
    expect(gaps[2]).toBeLessThan(150);
    expect(gaps[3]).toBeLessThan(60); // success: back to 20
  });

  it('runs the periodic task and stops cleanly', async () => {
    let ticks = 0;
    const poller = startRunPoller({
      follower: { pollOnce: async () => 0 },
      intervalMs: 10,
      logger: new MemoryLogger(),
      onTick: async () => {
        ticks += 1;
      },
    });
    await sleep(60);
    await poller.stop();
    const after = ticks;
    await sleep(40);
    expect(after).toBeGreaterThan(1);
    expect(ticks).toBe(after);
  });
});
