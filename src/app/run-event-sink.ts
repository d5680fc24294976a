/** Adapts the run follower to the webhook worker's RunEventSink (see adapters/webhooks/run-event-sink.ts). */
import type { RunEventSink } from '../adapters/webhooks/run-event-sink';
import type { RunFollower } from '../core/run-follower';

export function createRunEventSink(follower: Pick<RunFollower, 'applySnapshot'>): RunEventSink {
  return {
    async applyRunState(flowRunId, state) {
      const outcome = await follower.applySnapshot({ flowRunId, state });
      if (outcome === 'ignored') return 'ignored';
      // A repeat of the state already shown is as good as an older one: nothing to do.
      if (outcome === 'stale' || outcome === 'unchanged') return 'stale';
      return 'applied';
    },
  };
}
