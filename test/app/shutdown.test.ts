import { runShutdown } from '../../src/app/shutdown';
import { MemoryLogger } from '../fakes/silent-logger';

const never = () => new Promise<void>(() => undefined);
const after = (ms: number, value?: unknown) => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('runShutdown', () => {
  it('runs stages in order and the tasks of one stage together', async () => {
    const events: string[] = [];
    const task = (name: string, ms: number) => ({
      name,
      run: async () => {
        events.push(`start ${name}`);
        await after(ms);
        events.push(`end ${name}`);
      },
    });
    const reports = await runShutdown(
      [
        { name: 'one', timeoutMs: 1000, tasks: [task('a', 30), task('b', 10)] },
        { name: 'two', timeoutMs: 1000, tasks: [task('c', 0)] },
      ],
      new MemoryLogger(),
    );
    expect(events).toEqual(['start a', 'start b', 'end b', 'end a', 'start c', 'end c']);
    expect(reports.map((r) => [r.task, r.outcome])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
      ['c', 'done'],
    ]);
  });

  it('a stuck task costs its stage’s time, not forever, and the next stages still run', async () => {
    const logger = new MemoryLogger();
    let closed = false;
    const started = Date.now();
    const reports = await runShutdown(
      [
        { name: 'drain', timeoutMs: 100, tasks: [{ name: 'stuck', run: never }] },
        {
          name: 'close',
          timeoutMs: 100,
          tasks: [
            {
              name: 'redis',
              run: async () => {
                closed = true;
              },
            },
          ],
        },
      ],
      logger,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(closed).toBe(true);
    expect(reports.map((r) => r.outcome)).toEqual(['timed_out', 'done']);
    expect(logger.entries.some((e) => e.level === 'warn' && String(e.msg).includes('stuck'))).toBe(true);
  });

  it('a failing task is logged; one that gives up (false) counts as timed out', async () => {
    const logger = new MemoryLogger();
    const reports = await runShutdown(
      [
        {
          name: 'work',
          timeoutMs: 500,
          tasks: [
            { name: 'boom', run: () => Promise.reject(new Error('redis is gone')) },
            { name: 'gave up', run: async () => false },
          ],
        },
      ],
      logger,
    );
    expect(reports.map((r) => r.outcome)).toEqual(['failed', 'timed_out']);
    expect(logger.entries.some((e) => JSON.stringify(e.obj).includes('redis is gone'))).toBe(true);
  });
});
