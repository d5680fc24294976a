import type { RunState } from '../../core/types';

/**
 * The seam between the webhook worker and run tracking. The composition root adapts the run follower
 * (`src/core/run-follower.ts`) to it. Expected semantics:
 * - `applied`: the state was recorded (and the thread updated);
 * - `stale`: the run already shows a newer state (compare state timestamps), nothing changed;
 * - `ignored`: not a run flowdesk started (or no longer tracks), nothing changed.
 * A reopened run (a newer non-terminal state after a terminal one) must be `applied` and followed again.
 * Throwing means "try again later": the event stays pending in the stream and is re-delivered.
 */
export interface RunEventSink {
  applyRunState(
    flowRunId: string,
    state: RunState,
    meta: { eventId: string; source: 'webhook' },
  ): Promise<'applied' | 'ignored' | 'stale'>;
}

export type RunEventOutcome = Awaited<ReturnType<RunEventSink['applyRunState']>>;
