/**
 * Answering a run that paused for input (SPEC §6): the form is the input schema the flow stored
 * (`pause_flow_run(wait_for_input=…)`), the answer is validated here first (per-field messages,
 * nothing sent when a field is wrong), then sent with `POST /flow_runs/{id}/resume`, whose
 * `status` (ACCEPT / REJECT / ABORT) becomes what the person is told. The run is re-read every
 * time: Prefect, not a card posted earlier, says whether it still waits.
 */
import { createAccess } from '../engine/access';
import { FlowdeskError } from '../errors';
import { createParameterValidator } from '../params/validate-parameters';
import type {
  AuditSink,
  CatalogSource,
  Clock,
  Directory,
  FlowRunSnapshot,
  Logger,
  PrefectPort,
  RunInputKeyset,
  Store,
} from '../ports';
import type { RunFollower } from '../run-follower';
import type { JsonSchema, ParameterValues, ProcessDef, Requester, RequestRecord } from '../types';
import { readPauseDescription, readPauseSchema } from './pause-input';
import { describeResume } from './resume-outcome';

export interface RunInputDeps {
  store: Store;
  /** null = dry run: there are no runs to answer. */
  prefect: PrefectPort | null;
  catalog: CatalogSource;
  clock: Clock;
  audit: AuditSink;
  logger: Logger;
  /** Slack user ids who may answer anyone's run. */
  admins?: readonly string[];
  /** For access lists by user group (same rules as the engine). */
  directory?: Directory;
  /** Applies the resumed run's state at once, so the status card moves on without waiting for a poll. */
  follower?: Pick<RunFollower, 'applySnapshot'>;
}

export interface InputForm {
  request: RequestRecord;
  process?: ProcessDef;
  /** The input schema, `$ref`s inlined (Prefect wraps a plain type as `{value: T}`). */
  schema: JsonSchema;
  description?: string;
}

export type InputSubmission =
  | { outcome: 'accepted'; message: string; request: RequestRecord }
  /** Our own validation failed: nothing was sent to Prefect. */
  | { outcome: 'invalid'; message: string; errors: Record<string, string>; request: RequestRecord }
  /** Prefect refused the input (REJECT, or WAIT); `errors` names fields when its reason does. */
  | { outcome: 'rejected'; message: string; errors: Record<string, string>; request: RequestRecord }
  /** The run is not waiting any more (answered elsewhere, timed out, cancelled). */
  | { outcome: 'aborted'; message: string; request: RequestRecord };

export interface ActorOptions {
  /** The adapter vouches for admin rights (the configured admins always count). */
  isAdmin?: boolean;
}

export interface RunInputService {
  inputForm(actor: Requester, requestId: string, options?: ActorOptions): Promise<InputForm>;
  submitInput(
    actor: Requester,
    requestId: string,
    values: ParameterValues,
    options?: ActorOptions,
  ): Promise<InputSubmission>;
}

interface PausedRun {
  request: RequestRecord;
  process?: ProcessDef;
  prefect: PrefectPort;
  flowRunId: string;
  keyset: RunInputKeyset;
  schema: JsonSchema;
}

export function createRunInputService(deps: RunInputDeps): RunInputService {
  const validator = createParameterValidator();
  const sameSchema = createSchemaMemo();
  const access = createAccess({ catalog: deps.catalog, directory: deps.directory });
  const guard = { deps, access };
  return {
    async inputForm(actor, requestId, options = {}) {
      const paused = await loadPausedRun(guard, actor, requestId, options);
      if (!paused.ok) throw notWaiting(paused.request, paused.state);
      const { request, process, schema, prefect, flowRunId, keyset } = paused.run;
      const description = await readPauseDescription(prefect, flowRunId, keyset);
      return { request, ...(process ? { process } : {}), schema, ...(description ? { description } : {}) };
    },

    async submitInput(actor, requestId, values, options = {}) {
      const paused = await loadPausedRun(guard, actor, requestId, options);
      if (!paused.ok) {
        return {
          outcome: 'aborted',
          message: notWaiting(paused.request, paused.state).userMessage,
          request: paused.request,
        };
      }
      const run = paused.run;
      const validation = validator.validate(sameSchema(run.schema), values);
      if (!validation.ok) {
        const message = 'Some answers are not valid; nothing was sent.';
        return { outcome: 'invalid', message, errors: validation.errors, request: run.request };
      }
      const answer = await run.prefect.resumeFlowRun(run.flowRunId, validation.values);
      const outcome = describeResume(answer, fieldNames(run.schema));
      deps.logger.info(
        { requestId, flowRunId: run.flowRunId, actor: actor.id, status: answer.status },
        'run input sent to Prefect',
      );
      if (outcome.outcome !== 'accepted') return { ...outcome, request: run.request };
      recordInput(deps, run, actor, validation.values);
      await followResumedRun(deps, run);
      return { ...outcome, request: run.request };
    },
  };
}

type Loaded =
  | { ok: true; run: PausedRun }
  /** The request exists and the actor may answer it, but its run does not wait for input. */
  | { ok: false; request: RequestRecord; state?: FlowRunSnapshot['state'] };

async function loadPausedRun(
  guard: { deps: RunInputDeps; access: ReturnType<typeof createAccess> },
  actor: Requester,
  requestId: string,
  options: ActorOptions,
): Promise<Loaded> {
  const { deps } = guard;
  const prefect = deps.prefect;
  if (!prefect) {
    throw new FlowdeskError('not_allowed', 'run input without Prefect (dry run)', {
      userMessage: 'flowdesk runs without Prefect (dry run), so there is no run waiting for input.',
    });
  }
  const request = await deps.store.getRequest(requestId);
  if (!request) throw new FlowdeskError('request_not_found', `request ${requestId} not found`);
  const process = deps.catalog.current().byId.get(request.processId);
  await checkActor(guard, actor, request, process, options);
  if (!request.run || request.status !== 'submitted') return { ok: false, request };
  const flowRunId = request.run.flowRunId;
  const snapshot = await prefect.readFlowRun(flowRunId);
  const keyset = snapshot.state.type === 'PAUSED' ? snapshot.pauseInputKeyset : undefined;
  if (!keyset) return { ok: false, request, state: snapshot.state };
  const schema = await readPauseSchema(prefect, flowRunId, keyset);
  if (!schema) {
    throw new FlowdeskError('prefect_rejected', `run ${flowRunId} has no readable input schema`, {
      userMessage: `The run waits for input, but I could not read its form. Answer it in Prefect: ${request.run.url}`,
    });
  }
  return {
    ok: true,
    run: { request, ...(process ? { process } : {}), prefect, flowRunId, keyset, schema },
  };
}

/** Only the requester or an admin answers a run; access lists still apply to the requester. */
async function checkActor(
  guard: { deps: RunInputDeps; access: ReturnType<typeof createAccess> },
  actor: Requester,
  request: RequestRecord,
  process: ProcessDef | undefined,
  options: ActorOptions,
): Promise<void> {
  const isAdmin = options.isAdmin === true || (guard.deps.admins ?? []).includes(actor.id);
  if (isAdmin) return;
  if (request.requester.id !== actor.id) {
    throw new FlowdeskError('not_allowed', `${actor.id} answered the run of ${request.requester.id}`, {
      userMessage: `Only ${request.requester.name} (who asked for it) or an admin can answer this run.`,
    });
  }
  if (process && !(await guard.access.canUse(process, actor, undefined))) {
    throw new FlowdeskError('access_denied', `${actor.id} may no longer use ${process.id}`);
  }
}

function notWaiting(request: RequestRecord, state?: FlowRunSnapshot['state']): FlowdeskError {
  const now = state ? ` (it is ${state.name})` : request.run ? '' : ' (it has no run yet)';
  return new FlowdeskError('request_conflict', `request ${request.id} is not waiting for input`, {
    userMessage: `The run is no longer waiting for input${now}.`,
  });
}

function fieldNames(schema: JsonSchema): string[] {
  const properties = schema.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

function recordInput(deps: RunInputDeps, run: PausedRun, actor: Requester, values: ParameterValues): void {
  deps.audit.record({
    action: 'input_provided',
    requestId: run.request.id,
    processId: run.request.processId,
    actor: actor.id,
    at: deps.clock.now().toISOString(),
    // Field names only: an answer may hold something its author would not want in the logs.
    details: { flowRunId: run.flowRunId, fields: Object.keys(values) },
  });
}

async function followResumedRun(deps: RunInputDeps, run: PausedRun): Promise<void> {
  if (!deps.follower) return;
  try {
    await deps.follower.applySnapshot(await run.prefect.readFlowRun(run.flowRunId));
  } catch (error) {
    // The poller and webhooks will catch up; the answer itself was accepted.
    deps.logger.warn(
      { flowRunId: run.flowRunId, err: (error as Error).message },
      'could not refresh the resumed run',
    );
  }
}

const MEMO_SIZE = 100;

/**
 * The validator compiles (and ajv keeps) every schema object it is given; each read of a paused run
 * yields a new object, so equal schemas are mapped to the first one seen (a small bounded memo).
 */
function createSchemaMemo(): (schema: JsonSchema) => JsonSchema {
  const byText = new Map<string, JsonSchema>();
  return (schema) => {
    const text = JSON.stringify(schema);
    const known = byText.get(text);
    if (known) return known;
    if (byText.size >= MEMO_SIZE) byText.delete(byText.keys().next().value as string);
    byText.set(text, schema);
    return schema;
  };
}
