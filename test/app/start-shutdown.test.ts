import { runShutdown } from '../../src/app/shutdown';
import { DEFAULT_SHUTDOWN_BUDGET, type StartParts, startShutdownStages } from '../../src/app/start-shutdown';
import { MemoryLogger } from '../fakes/silent-logger';

/** Parts of a running `flowdesk start` that record when they were asked to stop and when they ended. */
function recordingParts(options: { drainMs?: number; stuckDrain?: boolean } = {}) {
  const events: string[] = [];
  const step =
    <T = void>(name: string, ms = 0, value?: T) =>
    async (): Promise<T> => {
      events.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name}:end`);
      return value as T;
    };
  const parts: StartParts = {
    bot: {
      stopAccepting: step('accept'),
      drain: options.stuckDrain
        ? async () => {
            events.push('drain:start');
            return new Promise<boolean>(() => undefined);
          }
        : step('drain', options.drainMs ?? 20, true),
      flush: step('flush'),
    },
    poller: { stop: step('poller', 10) },
    webhooks: { stop: step('webhooks', 5) },
    follower: { releaseLeases: step('leases') },
    closeStore: step('redis'),
  };
  return { parts, events };
}

const index = (events: string[], event: string) => {
  const at = events.indexOf(event);
  if (at < 0) throw new Error(`${event} never happened: ${events.join(', ')}`);
  return at;
};

describe('the shutdown order of flowdesk start', () => {
  it('stops accepting first, lets in-flight work finish, flushes, releases leases, closes Redis last', async () => {
    const { parts, events } = recordingParts();
    await runShutdown(startShutdownStages(parts), new MemoryLogger());
    expect(index(events, 'accept:end')).toBeLessThan(index(events, 'drain:start'));
    for (const inFlight of ['drain', 'poller', 'webhooks']) {
      expect(index(events, 'accept:end')).toBeLessThan(index(events, `${inFlight}:start`));
      expect(index(events, `${inFlight}:end`)).toBeLessThan(index(events, 'flush:start'));
    }
    expect(index(events, 'flush:end')).toBeLessThan(index(events, 'leases:start'));
    expect(index(events, 'leases:end')).toBeLessThan(index(events, 'redis:start'));
    expect(events.at(-1)).toBe('redis:end');
  });

  it('in-flight work that never ends is given up after its budget; Redis still closes', async () => {
    const { parts, events } = recordingParts({ stuckDrain: true });
    const budget = { ...DEFAULT_SHUTDOWN_BUDGET, inFlightMs: 150 };
    const started = Date.now();
    const reports = await runShutdown(startShutdownStages(parts, budget), new MemoryLogger());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reports.find((r) => r.task === 'Slack listeners')?.outcome).toBe('timed_out');
    expect(events).toContain('redis:end');
  });

  it('the default budget fits a 30 s grace period', () => {
    const stages = startShutdownStages(recordingParts().parts);
    expect(stages.reduce((sum, stage) => sum + stage.timeoutMs, 0)).toBeLessThanOrEqual(30_000);
  });
});
