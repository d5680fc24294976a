import { createRunFollower, type RunFollower } from '../../src/core/run-follower';
import type { RunState } from '../../src/core/types';
import { createHarness, runDecision, USERS } from './engine/engine-harness';

function state(type: RunState['type'], name: string, timestamp: string, message?: string): RunState {
  return { type, name, timestamp, ...(message ? { message } : {}) };
}

async function setup(owner = 'replica-a') {
  const h = createHarness({ route: () => runDecision('reset-vpn') });
  const replies = await h.say('my vpn keeps disconnecting');
  const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
  await h.engine.confirm({ actor: USERS.ann, requestId });
  const follower = makeFollower(h, owner);
  return { h, requestId, follower };
}

function makeFollower(
  h: ReturnType<typeof createHarness>,
  owner: string,
  prefect: ReturnType<typeof createHarness>['prefect'] = h.prefect,
): RunFollower {
  return createRunFollower({
    store: h.store,
    prefect,
    notifier: h.notifier,
    catalog: { current: () => ({ processes: [], byId: new Map(), files: [] }) },
    clock: h.clock,
    logger: h.logger,
    audit: h.audit,
    owner,
  });
}

describe('run follower', () => {
  it('applies newer states, ignores older ones and repeats', async () => {
    const { h, requestId, follower } = await setup();
    const running = state('RUNNING', 'Running', '2025-06-12T10:01:00Z');
    expect(await follower.applySnapshot({ flowRunId: 'run-1', state: running })).toBe('updated');
    expect(await follower.applySnapshot({ flowRunId: 'run-1', state: running })).toBe('unchanged');
    expect(
      await follower.applySnapshot({
        flowRunId: 'run-1',
        state: state('PENDING', 'Pending', '2025-06-12T10:00:30Z'),
      }),
    ).toBe('stale');
    expect((await h.store.getRequest(requestId))?.run?.state).toEqual(running);
    expect(h.notifier.kinds()).toEqual(['state_changed']);
  });

  it('on a failure fetches the error logs and artifacts, stops following, audits', async () => {
    const { h, requestId, follower } = await setup();
    h.prefect.logs.set('run-1', [
      { timestamp: '2025-06-12T10:02:00Z', level: 40, message: 'VPN API said 500' },
    ]);
    h.prefect.artifacts.set('run-1', [{ id: 'a1', key: 'report', type: 'markdown', data: '# done' }]);
    const failed = state('FAILED', 'Failed', '2025-06-12T10:02:01Z', 'Flow run encountered an exception');
    expect(await follower.applySnapshot({ flowRunId: 'run-1', state: failed })).toBe('finished');
    expect(await h.store.getRequest(requestId)).toMatchObject({
      status: 'finished',
      run: { state: failed, endedAt: failed.timestamp },
    });
    expect(await h.store.listFollowed(10)).toEqual([]);
    expect(h.notifier.events.at(-1)?.event).toEqual({
      kind: 'finished',
      logs: [{ timestamp: '2025-06-12T10:02:00Z', level: 40, message: 'VPN API said 500' }],
      artifacts: [{ id: 'a1', key: 'report', type: 'markdown', data: '# done' }],
    });
    expect(h.audit.actions(requestId).at(-1)).toBe('finished');
  });

  it('does not read logs for a completed run', async () => {
    const { h, follower } = await setup();
    await follower.applySnapshot({
      flowRunId: 'run-1',
      state: state('COMPLETED', 'Completed', '2025-06-12T10:03:00Z'),
    });
    expect(h.prefect.logCalls).toEqual([]);
  });

  it('follows a run again when it is reopened after a terminal state', async () => {
    const { h, requestId, follower } = await setup();
    await follower.applySnapshot({
      flowRunId: 'run-1',
      state: state('FAILED', 'Failed', '2025-06-12T10:02:00Z'),
    });
    const retry = state('SCHEDULED', 'AwaitingRetry', '2025-06-12T10:04:00Z');
    expect(await follower.applySnapshot({ flowRunId: 'run-1', state: retry })).toBe('reopened');
    expect(await h.store.getRequest(requestId)).toMatchObject({ status: 'submitted', run: { state: retry } });
    expect(await h.store.listFollowed(10)).toEqual([requestId]);
    expect(
      await follower.applySnapshot({
        flowRunId: 'run-1',
        state: state('COMPLETED', 'Completed', '2025-06-12T10:06:00Z'),
      }),
    ).toBe('finished');
  });

  it('ignores runs flowdesk did not start', async () => {
    const { h, follower } = await setup();
    expect(
      await follower.applySnapshot({
        flowRunId: 'someone-elses',
        state: state('RUNNING', 'Running', '2025-06-12T10:01:00Z'),
      }),
    ).toBe('ignored');
    expect(h.notifier.events).toEqual([]);
  });

  it('asks for input when a run pauses with an input schema', async () => {
    const { h, follower } = await setup();
    const schema = { type: 'object', properties: { approved: { type: 'boolean' } } };
    h.prefect.runInputs.set('run-1/paused-1-schema', JSON.stringify(schema));
    // The keyset names stored inputs; the description is one of them (a JSON string).
    h.prefect.runInputs.set('run-1/paused-1-description', JSON.stringify('Approve the reset?'));
    h.prefect.setState('run-1', state('PAUSED', 'Paused', '2025-06-12T10:02:00Z'), {
      pauseInputKeyset: { schema: 'paused-1-schema', description: 'paused-1-description' },
    });
    expect(
      await follower.applySnapshot({
        flowRunId: 'run-1',
        state: state('PAUSED', 'Paused', '2025-06-12T10:02:00Z'),
      }),
    ).toBe('updated');
    expect(h.notifier.events.at(-1)?.event).toEqual({
      kind: 'paused_for_input',
      schema,
      description: 'Approve the reset?',
    });
  });

  it('pollOnce reads followed runs in one batch and applies them', async () => {
    const { h, requestId, follower } = await setup();
    h.prefect.setState('run-1', state('RUNNING', 'Running', '2025-06-12T10:01:00Z'), {
      startTime: '2025-06-12T10:01:00Z',
    });
    expect(await follower.pollOnce()).toBe(1);
    expect(h.prefect.readFlowRunsCalls).toEqual([['run-1']]);
    expect((await h.store.getRequest(requestId))?.run).toMatchObject({
      state: { type: 'RUNNING' },
      startedAt: '2025-06-12T10:01:00Z',
    });
    h.prefect.setState('run-1', state('COMPLETED', 'Completed', '2025-06-12T10:02:00Z'));
    expect(await follower.pollOnce()).toBe(1);
    expect(await follower.pollOnce()).toBe(0);
    expect(h.prefect.readFlowRunsCalls).toHaveLength(2);
  });

  it('with two replicas on one store only the lease holder polls a run', async () => {
    const { h, follower } = await setup('replica-a');
    const other = makeFollower(h, 'replica-b');
    h.prefect.setState('run-1', state('RUNNING', 'Running', '2025-06-12T10:01:00Z'));
    await Promise.all([follower.pollOnce(), other.pollOnce()]);
    expect(h.prefect.readFlowRunsCalls).toEqual([['run-1']]);
    await other.pollOnce();
    expect(h.prefect.readFlowRunsCalls).toHaveLength(1);
    await follower.pollOnce();
    expect(h.prefect.readFlowRunsCalls).toHaveLength(2);
    h.clock.advance(20_000);
    await other.pollOnce();
    expect(h.prefect.readFlowRunsCalls).toHaveLength(3);
  });

  it('pollOnce walks every followed run in batches, not only the oldest batch', async () => {
    const { h, follower } = await setup();
    const runIds = await followMany(h, 450);
    expect(await follower.pollOnce(200)).toBe(runIds.length);
    expect(h.prefect.readFlowRunsCalls.map((ids) => ids.length)).toEqual([200, 200, 50]);
    expect(new Set(h.prefect.readFlowRunsCalls.flat())).toEqual(new Set(runIds));
  });

  it('two replicas on one store split the followed runs between them', async () => {
    const { h } = await setup('replica-a');
    const runIds = await followMany(h, 450);
    // Each replica reads through its own recorder, so concurrent polls are told apart.
    const polledBy = async (owner: string) => {
      const polled: string[] = [];
      const prefect = Object.create(h.prefect) as typeof h.prefect;
      prefect.readFlowRuns = (ids: string[]) => {
        polled.push(...ids);
        return h.prefect.readFlowRuns(ids);
      };
      await makeFollower(h, owner, prefect).pollOnce(200);
      return polled;
    };
    const [first, second] = await Promise.all([polledBy('replica-a'), polledBy('replica-b')]);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(first.filter((id) => second.includes(id))).toEqual([]);
    expect(new Set([...first, ...second])).toEqual(new Set(runIds));
  });

  it('a replica that shuts down releases its poll leases so another polls at once', async () => {
    const { h, follower } = await setup('replica-a');
    const other = makeFollower(h, 'replica-b');
    h.prefect.setState('run-1', state('RUNNING', 'Running', '2025-06-12T10:01:00Z'));
    await follower.pollOnce();
    await other.pollOnce();
    expect(h.prefect.readFlowRunsCalls).toHaveLength(1);
    await follower.releaseLeases();
    await other.pollOnce();
    expect(h.prefect.readFlowRunsCalls).toHaveLength(2);
  });

  it("reads a run's request link from the store once for a burst of its events", async () => {
    const { h, follower } = await setup();
    const lookups: string[] = [];
    const find = h.store.findRequestIdByRun.bind(h.store);
    h.store.findRequestIdByRun = async (runId) => {
      lookups.push(runId);
      return find(runId);
    };
    const minutes = ['01', '02', '03', '04'];
    for (const minute of minutes) {
      const running = state('RUNNING', `Running ${minute}`, `2025-06-12T10:${minute}:00Z`);
      expect(await follower.applySnapshot({ flowRunId: 'run-1', state: running })).toBe('updated');
    }
    expect(lookups).toEqual(['run-1']);
    // An unknown run is not remembered: asked again, the store is asked again.
    const running = state('RUNNING', 'Running', '2025-06-12T10:05:00Z');
    expect(await follower.applySnapshot({ flowRunId: 'run-x', state: running })).toBe('ignored');
    expect(await follower.applySnapshot({ flowRunId: 'run-x', state: running })).toBe('ignored');
    expect(lookups).toEqual(['run-1', 'run-x', 'run-x']);
  });
});

/** Follows `count` more runs (copies of the harness's submitted request), all RUNNING in Prefect. */
async function followMany(h: ReturnType<typeof createHarness>, count: number): Promise<string[]> {
  const [template] = await h.store.listFollowed(1);
  const base = await h.store.getRequest(template);
  if (!base?.run) throw new Error('the harness request has no run');
  h.prefect.setState(base.run.flowRunId, state('RUNNING', 'Running', '2025-06-12T10:01:00Z'));
  const runIds = [base.run.flowRunId];
  for (let i = 0; i < count - 1; i += 1) {
    const requestId = `req-many-${i}`;
    const flowRunId = `run-many-${i}`;
    h.prefect.runs.set(flowRunId, {
      ...(await h.prefect.readFlowRun(base.run.flowRunId)),
      id: flowRunId,
    });
    await h.store.createRequest({ ...base, id: requestId, run: { ...base.run, flowRunId } });
    await h.store.indexRun(flowRunId, requestId);
    await h.store.addFollowed(requestId);
    runIds.push(flowRunId);
  }
  return runIds;
}
