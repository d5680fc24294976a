/**
 * The engine: the one object Slack and the terminal drive (SPEC §2). Each operation lives in its
 * own module; this file only wires them to a shared context.
 */
import type { Engine } from '../engine-api';
import { approveRequest, rejectRequest } from './approvals';
import { cancelRequest } from './cancel-request';
import { confirmRequest } from './confirm-request';
import { editForm, submitEdit } from './edit-request';
import { createEngineContext, type EngineDeps } from './engine-context';
import { expireDue } from './expire-requests';
import { handleMessage } from './handle-message';
import { listProcesses, listRuns, requestStatus } from './list-runs';

export type { EngineDeps } from './engine-context';

export interface FlowdeskEngine extends Engine {
  /** Closes requests whose confirmation/approval window passed; returns how many. Call periodically. */
  expireDue(limit?: number): Promise<number>;
  /** true when no Prefect is configured: Run only says what it would start. */
  readonly dryRun: boolean;
}

export function createEngine(deps: EngineDeps): FlowdeskEngine {
  const ctx = createEngineContext(deps);
  return {
    dryRun: deps.prefect === null,
    handleMessage: (input) => handleMessage(ctx, input),
    confirm: (input) => confirmRequest(ctx, input),
    cancel: (input) => cancelRequest(ctx, input),
    editForm: (input) => editForm(ctx, input),
    submitEdit: (input) => submitEdit(ctx, input),
    approve: (input) => approveRequest(ctx, input),
    reject: (input) => rejectRequest(ctx, input),
    listRuns: (actor, options) => listRuns(ctx, actor, options),
    status: (actor, id, isAdmin) => requestStatus(ctx, actor, id, isAdmin),
    listProcesses: (actor, channel) => listProcesses(ctx, actor, channel),
    expireDue: (limit) => expireDue(ctx, limit),
  };
}
