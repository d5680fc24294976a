import { randomUUID } from 'node:crypto';
import {
  buildDeployment,
  buildFlowRun,
  buildState,
  createTimestamps,
  type DeploymentResponse,
  type FlowRunResponse,
  isTerminal,
  type JsonObject,
  type NewDeployment,
  randomRunName,
  type Schemas,
  type State,
  type StateType,
} from './fake-prefect-model';
import { schemaFailure } from './json-schema-check';

/** One scripted state change; `afterMs` counts from the previous step (or from when the script starts). */
export interface ScriptStep {
  type: StateType;
  name?: string;
  message?: string;
  afterMs: number;
  /** With type PAUSED: pause for input with this schema (the script waits until the run is resumed). */
  input?: { schema: JsonObject; description?: string };
}

/** Every run created through the API walks these states by itself (unless scheduled for later). */
export interface AutoProgress {
  states: Array<StateType | Omit<ScriptStep, 'afterMs'>>;
  stepMs: number;
}

export interface FakeWorldOptions {
  autoProgress?: AutoProgress;
  /** After an accepted CANCELLING, the "worker" sets CANCELLED this much later; null = stays CANCELLING. */
  cancellationDelayMs?: number | null;
}

export interface NewLogLine {
  message: string;
  /** Python level: 10 DEBUG, 20 INFO (default), 30 WARNING, 40 ERROR, 50 CRITICAL. */
  level?: number;
  timestamp?: string;
  name?: string;
}

export interface NewArtifact {
  key?: string | null;
  type?: string;
  description?: string | null;
  data?: unknown;
}

export type StateListener = (run: FlowRunResponse, state: State, previous: State | null) => void;

export interface OrchestrationAnswer {
  /** 201 when a new state was accepted, 200 otherwise (Prefect's convention). */
  status: number;
  result: Schemas['OrchestrationResult'];
}

interface FakeRun {
  response: FlowRunResponse;
  history: State[];
  /** Flow run inputs (key → JSON text), as `pause_flow_run(wait_for_input=…)` stores them. */
  inputs: Map<string, string>;
  pauseCount: number;
  /** Bumped when the run is cancelled: scheduled script steps of older generations do nothing. */
  scriptGeneration: number;
  /** A script step that came due while the run waited for input; runs after resume. */
  onResume?: () => void;
}

/**
 * The fake Prefect server's data and orchestration rules, without HTTP: deployments, flow runs and
 * their states, inputs, logs and artifacts. Tests drive it through FakePrefectServer's methods.
 */
export class FakePrefectWorld {
  protected readonly deploymentsById = new Map<string, DeploymentResponse>();
  protected readonly flowIds = new Map<string, string>();
  protected readonly flowRuns = new Map<string, FakeRun>();
  protected logs: Schemas['Log'][] = [];
  protected artifactList: Schemas['Artifact'][] = [];
  private readonly nextScripts: ScriptStep[][] = [];
  private readonly listeners = new Set<StateListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  protected readonly now = createTimestamps();
  autoProgress: AutoProgress | undefined;
  cancellationDelayMs: number | null;

  constructor(options: FakeWorldOptions = {}) {
    this.autoProgress = options.autoProgress;
    this.cancellationDelayMs = options.cancellationDelayMs === undefined ? 20 : options.cancellationDelayMs;
  }

  // ------------------------------------------------------------------ deployments

  addDeployment(input: NewDeployment): DeploymentResponse {
    let flowId = this.flowIds.get(input.flowName);
    if (!flowId) {
      flowId = randomUUID();
      this.flowIds.set(input.flowName, flowId);
    }
    const deployment = buildDeployment(input, flowId, this.now());
    this.deploymentsById.set(deployment.id, deployment);
    return structuredClone(deployment);
  }

  deployment(id: string): DeploymentResponse | undefined {
    return this.deploymentsById.get(id);
  }

  deploymentByName(flowName: string, name: string): DeploymentResponse | undefined {
    const flowId = this.flowIds.get(flowName);
    return [...this.deploymentsById.values()].find((d) => d.flow_id === flowId && d.name === name);
  }

  deploymentCount(): number {
    return this.deploymentsById.size;
  }

  flow(id: string): { id: string; name: string } | undefined {
    for (const [name, flowId] of this.flowIds) if (flowId === id) return { id, name };
    return undefined;
  }

  // ------------------------------------------------------------------ flow runs

  /**
   * Creates a run the way POST /deployments/{id}/create_flow_run does (idempotency per flow, tag union,
   * parameter merge), without validation. Returns `created: false` for an idempotent hit.
   */
  createRun(
    deploymentId: string,
    body: Schemas['DeploymentFlowRunCreate'] = {},
  ): { run: FlowRunResponse; created: boolean } {
    const deployment = this.deploymentsById.get(deploymentId);
    if (!deployment) throw new Error(`No fake deployment ${deploymentId}`);
    const key = body.idempotency_key ?? null;
    const existing = key ? this.findByIdempotencyKey(deployment.flow_id, key) : undefined;
    if (existing) return { run: structuredClone(existing.response), created: false };

    const id = randomUUID();
    const response = buildFlowRun(
      deployment,
      {
        id,
        name: body.name ?? randomRunName(),
        parameters: { ...(deployment.parameters ?? {}), ...(body.parameters ?? {}) },
        tags: [...new Set([...(deployment.tags ?? []), ...(body.tags ?? [])])],
        idempotencyKey: key,
      },
      this.now(),
    );
    const run: FakeRun = { response, history: [], inputs: new Map(), pauseCount: 0, scriptGeneration: 0 };
    this.flowRuns.set(id, run);
    const initial = body.state ?? { type: 'SCHEDULED' as const };
    const scheduledTime = initial.state_details?.scheduled_time ?? null;
    this.transition(run, initial.type, {
      name: initial.name,
      message: initial.message,
      details: initial.type === 'SCHEDULED' ? { scheduled_time: scheduledTime ?? this.now() } : {},
    });
    this.startScriptFor(run, scheduledTime);
    return { run: structuredClone(run.response), created: true };
  }

  private findByIdempotencyKey(flowId: string, key: string): FakeRun | undefined {
    return [...this.flowRuns.values()].find(
      (run) => run.response.flow_id === flowId && run.response.idempotency_key === key,
    );
  }

  run(id: string): FlowRunResponse | undefined {
    const run = this.flowRuns.get(id);
    return run ? structuredClone(run.response) : undefined;
  }

  /** Every run, oldest first. */
  runs(): FlowRunResponse[] {
    return [...this.flowRuns.values()].map((run) => structuredClone(run.response));
  }

  /** The states a run went through, oldest first. */
  stateHistory(runId: string): State[] {
    return structuredClone(this.mustGetRun(runId).history);
  }

  /** Moves a run to a state now (test control; scripts keep running). */
  setRunState(runId: string, type: StateType, name?: string, message?: string): FlowRunResponse {
    const run = this.mustGetRun(runId);
    this.transition(run, type, { name, message });
    return structuredClone(run.response);
  }

  /**
   * Plays `steps` on a run, one after the other (`afterMs` after the previous step). 'next' = the next
   * run created through the API (instead of autoProgress).
   */
  scriptRun(runId: string | 'next', steps: ScriptStep[]): void {
    if (runId === 'next') {
      this.nextScripts.push(steps);
      return;
    }
    const run = this.mustGetRun(runId);
    this.playScript(run, steps, 0, run.scriptGeneration);
  }

  /**
   * Puts a run in PAUSED waiting for input, as `pause_flow_run(wait_for_input=…)` does: stores the
   * schema (and description) as flow run inputs and names them in `state_details.run_input_keyset`.
   */
  pauseForInput(
    runId: string,
    schema: JsonObject,
    description?: string,
    options: { suspend?: boolean } = {},
  ): { schema: string; description: string; response: string } {
    const run = this.mustGetRun(runId);
    run.pauseCount += 1;
    const name = options.suspend ? 'Suspended' : 'Paused';
    const pauseKey = String(run.pauseCount);
    const base = `${name.toLowerCase()}-${pauseKey}`;
    const keyset = {
      description: `${base}-description`,
      response: `${base}-response`,
      schema: `${base}-schema`,
    };
    run.inputs.set(keyset.schema, JSON.stringify(schema));
    if (description !== undefined) run.inputs.set(keyset.description, JSON.stringify(description));
    this.transition(run, 'PAUSED', {
      name,
      details: {
        pause_key: pauseKey,
        run_input_keyset: keyset,
        pause_reschedule: options.suspend ?? false,
        pause_timeout: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    return keyset;
  }

  /** The stored flow run input (JSON text), e.g. the `response` key after a resume. */
  runInput(runId: string, key: string): string | undefined {
    return this.flowRuns.get(runId)?.inputs.get(key);
  }

  onStateChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ logs and artifacts

  addLogs(runId: string, lines: Array<string | NewLogLine>): Schemas['Log'][] {
    this.mustGetRun(runId);
    const added = lines.map((line) => {
      const entry = typeof line === 'string' ? { message: line } : line;
      const now = this.now();
      return {
        id: randomUUID(),
        created: now,
        updated: now,
        name: entry.name ?? 'prefect.flow_runs',
        level: entry.level ?? 20,
        message: entry.message,
        timestamp: entry.timestamp ?? now,
        flow_run_id: runId,
        task_run_id: null,
      };
    });
    this.logs.push(...added);
    return structuredClone(added);
  }

  addArtifacts(runId: string, artifacts: NewArtifact[]): Schemas['Artifact'][] {
    this.mustGetRun(runId);
    const added = artifacts.map((artifact) => {
      const now = this.now();
      return {
        id: randomUUID(),
        created: now,
        updated: now,
        key: artifact.key ?? null,
        type: artifact.type ?? 'markdown',
        description: artifact.description ?? null,
        data: artifact.data ?? null,
        metadata_: null,
        flow_run_id: runId,
        task_run_id: null,
      };
    });
    this.artifactList.push(...added);
    return structuredClone(added);
  }

  /** Stored log entries (of one run, or all), in insertion order. */
  logEntries(runId?: string): Schemas['Log'][] {
    return structuredClone(this.logs.filter((log) => !runId || log.flow_run_id === runId));
  }

  /** Stored artifacts (of one run, or all), in insertion order. */
  artifacts(runId?: string): Schemas['Artifact'][] {
    return structuredClone(this.artifactList.filter((artifact) => !runId || artifact.flow_run_id === runId));
  }

  // ------------------------------------------------------------------ orchestration (the API's rules)

  /** POST /flow_runs/{id}/set_state with force=false, following Prefect's core policy. */
  proposeState(runId: string, proposed: Schemas['StateCreate'], force: boolean): OrchestrationAnswer {
    const run = this.mustGetRun(runId);
    const current = run.response.state;
    if (current && isTerminal(current.type) && !force && proposed.type !== 'SCHEDULED') {
      return abort(`Run is already in terminal state ${current.type}.`);
    }
    if (proposed.type === 'CANCELLING') return this.cancel(run, proposed.message ?? null);
    this.transition(run, proposed.type, {
      name: proposed.name,
      message: proposed.message,
      details: proposed.state_details,
    });
    return accept(run);
  }

  private cancel(run: FakeRun, message: string | null): OrchestrationAnswer {
    const current = run.response.state;
    const noInfrastructure =
      (current?.type === 'SCHEDULED' && !run.response.infrastructure_pid) ||
      (current?.type === 'SCHEDULED' && current.name === 'Resuming') ||
      (current?.type === 'PAUSED' && current.state_details?.pause_reschedule === true);
    run.scriptGeneration += 1;
    run.onResume = undefined;
    if (noInfrastructure) {
      // BypassCancellingFlowRunsWithNoInfra: straight to CANCELLED, reported as a REJECT.
      this.transition(run, 'CANCELLED', { message });
      return {
        status: 200,
        result: {
          state: structuredClone(run.response.state ?? null),
          status: 'REJECT',
          details: {
            type: 'reject_details',
            reason: `${current?.type === 'PAUSED' ? 'Suspended' : 'Scheduled'} flow run has no infrastructure to terminate.`,
          },
        },
      };
    }
    this.transition(run, 'CANCELLING', { message });
    if (this.cancellationDelayMs !== null) {
      const generation = run.scriptGeneration;
      this.later(this.cancellationDelayMs, () => {
        if (run.scriptGeneration === generation && run.response.state?.type === 'CANCELLING') {
          this.transition(run, 'CANCELLED', { message: 'Flow run was cancelled.' });
        }
      });
    }
    return accept(run);
  }

  /** POST /flow_runs/{id}/resume: validates run_input against the stored schema. */
  resume(runId: string, runInput: JsonObject | null | undefined): OrchestrationAnswer {
    const run = this.mustGetRun(runId);
    const current = run.response.state;
    if (current?.type !== 'PAUSED') return abort('Cannot resume a flow run that is not paused.');
    const keyset = current.state_details?.run_input_keyset;
    if (keyset?.schema) {
      const schemaText = run.inputs.get(keyset.schema);
      if (schemaText === undefined) return reject(run, 'Run input schema not found.');
      const failure = schemaFailure(JSON.parse(schemaText) as object, runInput ?? {});
      if (failure) return reject(run, `Reason: ${failure}`);
      if (keyset.response) run.inputs.set(keyset.response, JSON.stringify(runInput ?? {}));
    }
    if (current.state_details?.pause_reschedule) {
      this.transition(run, 'SCHEDULED', { name: 'Resuming', details: { scheduled_time: this.now() } });
    } else {
      this.transition(run, 'RUNNING');
    }
    const continuation = run.onResume;
    run.onResume = undefined;
    continuation?.();
    return accept(run);
  }

  // ------------------------------------------------------------------ internals

  protected mustGetRun(runId: string): FakeRun {
    const run = this.flowRuns.get(runId);
    if (!run) throw new Error(`No fake flow run ${runId}`);
    return run;
  }

  protected hasRun(runId: string): boolean {
    return this.flowRuns.has(runId);
  }

  protected transition(
    run: FakeRun,
    type: StateType,
    options: {
      name?: string | null;
      message?: string | null;
      details?: Partial<Schemas['StateDetails']>;
    } = {},
  ): void {
    const response = run.response;
    const previous = response.state ?? null;
    const timestamp = this.now();
    const state = buildState(response.id, type, timestamp, options);
    response.state = state;
    response.state_id = state.id;
    response.state_type = type;
    response.state_name = state.name ?? null;
    response.updated = timestamp;
    if (type === 'PENDING' || type === 'RUNNING')
      response.infrastructure_pid ??= `fake-pid-${response.id.slice(0, 8)}`;
    if (type === 'RUNNING' && previous?.type !== 'RUNNING') {
      response.run_count = (response.run_count ?? 0) + 1;
      response.start_time ??= timestamp;
    }
    if (type === 'SCHEDULED') {
      const scheduled = state.state_details?.scheduled_time ?? timestamp;
      response.expected_start_time = scheduled;
      response.next_scheduled_start_time = scheduled;
    }
    if (isTerminal(type)) {
      response.end_time = timestamp;
      if (response.start_time) {
        response.total_run_time = (Date.parse(timestamp) - Date.parse(response.start_time)) / 1000;
      }
    } else if (previous && isTerminal(previous.type)) {
      response.end_time = null; // reopened (retry)
    }
    run.history.push(state);
    const snapshot = structuredClone(response);
    for (const listener of this.listeners) listener(snapshot, structuredClone(state), previous);
  }

  private startScriptFor(run: FakeRun, scheduledTime: string | null): void {
    const script = this.nextScripts.shift();
    if (script) {
      this.playScript(run, script, 0, run.scriptGeneration);
      return;
    }
    const scheduledLater = scheduledTime !== null && Date.parse(scheduledTime) > Date.now();
    if (!this.autoProgress || scheduledLater) return;
    const { states, stepMs } = this.autoProgress;
    const steps = states.map((step) => (typeof step === 'string' ? { type: step } : step));
    this.playScript(
      run,
      steps.map((step) => ({ ...step, afterMs: stepMs })),
      0,
      run.scriptGeneration,
    );
  }

  private playScript(run: FakeRun, steps: ScriptStep[], index: number, generation: number): void {
    const step = steps[index];
    if (!step) return;
    this.later(step.afterMs, () => {
      if (run.scriptGeneration !== generation) return;
      const waitingForInput = run.response.state?.type === 'PAUSED';
      if (waitingForInput) {
        run.onResume = () => this.playScript(run, steps, index, generation);
        return;
      }
      if (step.type === 'PAUSED' && step.input) {
        this.pauseForInput(run.response.id, step.input.schema, step.input.description);
      } else {
        this.transition(run, step.type, { name: step.name, message: step.message });
      }
      this.playScript(run, steps, index + 1, generation);
    });
  }

  protected later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  protected clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Forgets every deployment, run, log, artifact, script and listener. */
  resetWorld(): void {
    this.clearTimers();
    this.deploymentsById.clear();
    this.flowIds.clear();
    this.flowRuns.clear();
    this.logs = [];
    this.artifactList = [];
    this.nextScripts.length = 0;
    this.listeners.clear();
  }
}

function accept(run: FakeRun): OrchestrationAnswer {
  return {
    status: 201,
    result: {
      state: structuredClone(run.response.state ?? null),
      status: 'ACCEPT',
      details: { type: 'accept_details' },
    },
  };
}

function abort(reason: string): OrchestrationAnswer {
  return {
    status: 200,
    result: { state: null, status: 'ABORT', details: { type: 'abort_details', reason } },
  };
}

/** Prefect reports an invalid run input as REJECT with `abort_details` (a quirk kept on purpose). */
function reject(run: FakeRun, reason: string): OrchestrationAnswer {
  return {
    status: 200,
    result: {
      state: structuredClone(run.response.state ?? null),
      status: 'REJECT',
      details: { type: 'abort_details', reason },
    },
  };
}
