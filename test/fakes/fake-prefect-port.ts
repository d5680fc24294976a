/**
 * An in-memory PrefectPort for core unit tests (the HTTP client is tested against
 * FakePrefectServer). Idempotent on idempotencyKey like Prefect, with switches to fail.
 */
import { FlowdeskError } from '../../src/core/errors';
import type {
  CancelOutcome,
  Clock,
  CreateFlowRunInput,
  DeploymentInfo,
  FlowRunSnapshot,
  PrefectPort,
  ResumeStatus,
  RunArtifact,
  RunLogLine,
} from '../../src/core/ports';
import type { JsonSchema, ParameterValues, RunState } from '../../src/core/types';

export class FakePrefectPort implements PrefectPort {
  readonly deployments = new Map<string, DeploymentInfo>();
  readonly createCalls: CreateFlowRunInput[] = [];
  readonly runs = new Map<string, FlowRunSnapshot>();
  readonly cancelCalls: Array<{ id: string; message: string }> = [];
  readonly readFlowRunsCalls: string[][] = [];
  readonly logs = new Map<string, RunLogLine[]>();
  readonly artifacts = new Map<string, RunArtifact[]>();
  readonly runInputs = new Map<string, unknown>();
  readonly logCalls: string[] = [];
  cancelOutcome: CancelOutcome = { outcome: 'cancelling' };
  /** getDeployment / createFlowRun throw prefect_unavailable while true. */
  unavailable = false;
  private createFailures: Error[] = [];
  private byKey = new Map<string, string>();
  private counter = 0;

  constructor(private readonly clock: Clock) {}

  addDeployment(ref: string, schema: JsonSchema | null, parameters: ParameterValues = {}): DeploymentInfo {
    const [flowName, name] = ref.split('/');
    const info: DeploymentInfo = {
      id: `dep-${ref.replace('/', '-')}`,
      name,
      flowName,
      parameterSchema: schema,
      parameters,
      enforceParameterSchema: true,
    };
    this.deployments.set(ref, info);
    return info;
  }

  failNextCreate(error: Error): void {
    this.createFailures.push(error);
  }

  async getDeployment(ref: string): Promise<DeploymentInfo> {
    await tick();
    if (this.unavailable) throw new FlowdeskError('prefect_unavailable', 'fake prefect is down');
    const found = this.deployments.get(ref);
    if (!found) throw new FlowdeskError('prefect_not_found', `deployment ${ref} not found`);
    return found;
  }

  async createFlowRun(input: CreateFlowRunInput): Promise<FlowRunSnapshot & { created: boolean }> {
    this.createCalls.push(input);
    await tick();
    if (this.unavailable) throw new FlowdeskError('prefect_unavailable', 'fake prefect is down');
    const failure = this.createFailures.shift();
    if (failure) throw failure;
    const existing = this.byKey.get(input.idempotencyKey);
    if (existing) return { ...this.runs.get(existing)!, created: false };
    this.counter += 1;
    const id = `run-${this.counter}`;
    const snapshot: FlowRunSnapshot = {
      id,
      name: input.name ?? `run-${this.counter}`,
      deploymentId: input.deploymentId,
      state: { type: 'SCHEDULED', name: 'Scheduled', timestamp: this.clock.now().toISOString() },
      tags: input.tags,
      parameters: input.parameters,
    };
    this.runs.set(id, snapshot);
    this.byKey.set(input.idempotencyKey, id);
    return { ...snapshot, created: true };
  }

  setState(runId: string, state: RunState, extra: Partial<FlowRunSnapshot> = {}): FlowRunSnapshot {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const next = { ...run, ...extra, state };
    this.runs.set(runId, next);
    return next;
  }

  async readFlowRun(id: string): Promise<FlowRunSnapshot> {
    const run = this.runs.get(id);
    if (!run) throw new FlowdeskError('prefect_not_found', `run ${id} not found`);
    return run;
  }

  async readFlowRuns(ids: string[]): Promise<FlowRunSnapshot[]> {
    this.readFlowRunsCalls.push([...ids]);
    return ids.flatMap((id) => (this.runs.has(id) ? [this.runs.get(id)!] : []));
  }

  async cancelFlowRun(id: string, message: string): Promise<CancelOutcome> {
    this.cancelCalls.push({ id, message });
    return this.cancelOutcome;
  }

  async readLogs(flowRunId: string): Promise<RunLogLine[]> {
    this.logCalls.push(flowRunId);
    return this.logs.get(flowRunId) ?? [];
  }

  async readArtifacts(flowRunId: string): Promise<RunArtifact[]> {
    return this.artifacts.get(flowRunId) ?? [];
  }

  async readRunInput(flowRunId: string, key: string): Promise<unknown> {
    return this.runInputs.get(`${flowRunId}/${key}`);
  }

  /** What resumeFlowRun answers (a function to decide per call); ACCEPT by default. */
  resumeAnswer:
    | { status: ResumeStatus; reason?: string }
    | ((runId: string, runInput: unknown) => { status: ResumeStatus; reason?: string }) = {
    status: 'ACCEPT',
  };
  readonly resumeCalls: Array<{ id: string; runInput: unknown }> = [];

  async resumeFlowRun(id: string, runInput: unknown): Promise<{ status: ResumeStatus; reason?: string }> {
    this.resumeCalls.push({ id, runInput });
    await tick();
    return typeof this.resumeAnswer === 'function' ? this.resumeAnswer(id, runInput) : this.resumeAnswer;
  }

  async health(): Promise<boolean> {
    return !this.unavailable;
  }

  runUrl(flowRunId: string): string {
    return `http://prefect.test/runs/flow-run/${flowRunId}`;
  }
}

/** Yields to the event loop so concurrent callers really interleave. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
