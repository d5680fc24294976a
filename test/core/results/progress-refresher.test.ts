import { createMemoryStore } from '../../../src/adapters/store/memory-store';
import type { RunProgress } from '../../../src/core/results/progress';
import { createProgressGate } from '../../../src/core/results/progress-gate';
import { createProgressRefresher } from '../../../src/core/results/progress-refresher';
import type { ProcessDef, RequestRecord, RunState } from '../../../src/core/types';
import { FakePrefectPort } from '../../fakes/fake-prefect-port';
import { FixedClock } from '../../fakes/fixed-clock';
import { MemoryLogger } from '../../fakes/silent-logger';
import { buildRequest } from '../../helpers/build-request';

const running: RunState = { type: 'RUNNING', name: 'Running', timestamp: '2025-06-12T10:00:00Z' };
const process = { id: 'refresh-dashboard', title: 'Refresh a dashboard' } as unknown as ProcessDef;

async function setup() {
  const clock = new FixedClock('2025-06-12T10:00:00Z');
  const store = createMemoryStore({ clock });
  const prefect = new FakePrefectPort(clock);
  const logger = new MemoryLogger();
  const gate = createProgressGate({ minIntervalMs: 3000 });
  const shown: Array<{ id: string; percent?: number; process?: string }> = [];
  const refresher = createProgressRefresher({
    store,
    prefect,
    clock,
    logger,
    gate,
    catalog: { current: () => ({ processes: [process], byId: new Map([[process.id, process]]), files: [] }) },
    onProgress: async (
      request: RequestRecord,
      p: ProcessDef | undefined,
      progress: RunProgress | undefined,
    ) => {
      shown.push({ id: request.id, percent: progress?.percent, process: p?.id });
    },
  });
  const add = async (runId: string, state: RunState) => {
    const request = buildRequest({
      processId: process.id,
      status: 'submitted',
      run: {
        flowRunId: runId,
        deploymentId: 'd',
        url: `https://prefect.example.com/runs/flow-run/${runId}`,
        state,
      },
    });
    await store.createRequest(request);
    await store.addFollowed(request.id);
    return request;
  };
  return { clock, prefect, gate, refresher, shown, add, logger };
}

describe('progress refresher', () => {
  it('refreshes a running card when its progress changes, at most once per interval', async () => {
    const { clock, prefect, gate, refresher, shown, add } = await setup();
    const request = await add('run-1', running);
    prefect.artifacts.set('run-1', [{ id: 'p', key: 'load', type: 'progress', data: 10 }]);

    expect(await refresher.tick()).toBe(1);
    expect(shown).toEqual([{ id: request.id, percent: 10, process: 'refresh-dashboard' }]);

    prefect.artifacts.set('run-1', [{ id: 'p', key: 'load', type: 'progress', data: 50 }]);
    clock.advance(1000);
    expect(await refresher.tick()).toBe(0);
    clock.advance(2000);
    expect(await refresher.tick()).toBe(1);
    expect(gate.latest('run-1')?.percent).toBe(50);

    clock.advance(3000);
    expect(await refresher.tick()).toBe(0);
    expect(shown).toHaveLength(2);
  });

  it('leaves runs that are not RUNNING alone and forgets them', async () => {
    const { prefect, gate, refresher, shown, add } = await setup();
    await add('run-2', { ...running, type: 'COMPLETED', name: 'Completed' });
    prefect.artifacts.set('run-2', [{ id: 'p', type: 'progress', data: 100 }]);
    gate.record('run-2', { percent: 90, artifactId: 'p' });
    expect(await refresher.tick()).toBe(0);
    expect(shown).toEqual([]);
    expect(gate.latest('run-2')).toBeUndefined();
  });

  it('logs and skips a run whose artifacts cannot be read', async () => {
    const { prefect, refresher, shown, add, logger } = await setup();
    await add('run-3', running);
    prefect.readArtifacts = async () => {
      throw new Error('prefect down');
    };
    expect(await refresher.tick()).toBe(0);
    expect(shown).toEqual([]);
    expect(
      logger.entries.some((e) => e.level === 'warn' && JSON.stringify(e.obj).includes('prefect down')),
    ).toBe(true);
  });
});
