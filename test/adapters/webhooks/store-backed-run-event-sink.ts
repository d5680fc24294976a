/**
 * A small, honest RunEventSink for the webhook tests, on a real Store (Redis): the run's state lives in
 * its request record, written with compare-and-set. It has the semantics the real run follower has:
 * unknown runs are ignored, an older state never overwrites a newer one (state timestamps), and a newer
 * state after a terminal one (a retried run) is applied and the run is followed again.
 */
import type { RunEventOutcome, RunEventSink } from '../../../src/adapters/webhooks/run-event-sink';
import type { Store } from '../../../src/core/ports';
import { compareStateTimestamps } from '../../../src/core/prefect-event';
import { isTerminalState, type RunState } from '../../../src/core/types';
import { buildRequest } from '../../helpers/build-request';

export interface SinkCall {
  flowRunId: string;
  state: RunState;
  eventId: string;
  outcome: RunEventOutcome;
}

export class StoreBackedRunEventSink implements RunEventSink {
  readonly calls: SinkCall[] = [];
  /** The next N calls throw, as a sink does when Slack or Redis is down. */
  failNext = 0;
  attempts = 0;

  constructor(private readonly store: Store) {}

  async applyRunState(
    flowRunId: string,
    state: RunState,
    meta: { eventId: string; source: 'webhook' },
  ): Promise<RunEventOutcome> {
    this.attempts++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('sink unavailable (injected)');
    }
    const outcome = await this.apply(flowRunId, state);
    this.calls.push({ flowRunId, state, eventId: meta.eventId, outcome });
    return outcome;
  }

  /** Makes a run known, as if flowdesk had started it (state PENDING at `since`). */
  async trackRun(flowRunId: string, since = '2020-01-01T00:00:00.000000+00:00'): Promise<string> {
    const request = buildRequest({
      status: 'submitted',
      run: {
        flowRunId,
        deploymentId: '2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90',
        url: `http://127.0.0.1:4200/runs/flow-run/${flowRunId}`,
        state: { type: 'PENDING', name: 'Pending', timestamp: since },
      },
    });
    await this.store.createRequest(request);
    await this.store.indexRun(flowRunId, request.id);
    await this.store.addFollowed(request.id);
    return request.id;
  }

  async stateOf(flowRunId: string): Promise<RunState | undefined> {
    const requestId = await this.store.findRequestIdByRun(flowRunId);
    if (!requestId) return undefined;
    return (await this.store.getRequest(requestId))?.run?.state;
  }

  applied(): SinkCall[] {
    return this.calls.filter((call) => call.outcome === 'applied');
  }

  private async apply(flowRunId: string, state: RunState): Promise<RunEventOutcome> {
    const requestId = await this.store.findRequestIdByRun(flowRunId);
    if (!requestId) return 'ignored';
    for (;;) {
      const request = await this.store.getRequest(requestId);
      if (!request?.run) return 'ignored';
      if (compareStateTimestamps(state.timestamp, request.run.state.timestamp) <= 0) return 'stale';
      const terminal = isTerminalState(state.type);
      const next = {
        ...request,
        status: terminal ? ('finished' as const) : ('submitted' as const),
        run: { ...request.run, state },
        updatedAt: new Date().toISOString(),
      };
      if (await this.store.compareAndSet(next, request.version)) {
        // A reopened run (retry after a terminal state) is followed again.
        if (terminal) await this.store.removeFollowed(requestId);
        else await this.store.addFollowed(requestId);
        return 'applied';
      }
    }
  }
}
