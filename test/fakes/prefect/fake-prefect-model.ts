import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { components } from '../../../src/adapters/prefect/generated/prefect-api';

/** Response and request shapes, generated from Prefect's openapi.json. */
export type Schemas = components['schemas'];
export type StateType = Schemas['StateType'];
export type State = Schemas['State'];
export type FlowRunResponse = Schemas['FlowRunResponse'];
export type DeploymentResponse = Schemas['DeploymentResponse'];
export type JsonObject = Record<string, unknown>;

export const TERMINAL_TYPES: readonly StateType[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];

export function isTerminal(type: StateType | null | undefined): boolean {
  return type !== null && type !== undefined && TERMINAL_TYPES.includes(type);
}

/** Prefect defaults a state's name from its type: CANCELLING → "Cancelling". */
export function defaultStateName(type: StateType): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}

/** Real Prefect samples (../shared/prefect/examples next to the checkout). */
export const EXAMPLES_DIR =
  process.env.PREFECT_EXAMPLES_DIR ?? path.resolve(__dirname, '../../../../shared/prefect/examples');

let deploymentTemplate: DeploymentResponse | undefined;

/** The real sample from ../shared/prefect/examples, reused as the base of every fake deployment. */
function loadDeploymentTemplate(): DeploymentResponse {
  deploymentTemplate ??= JSON.parse(
    fs.readFileSync(path.join(EXAMPLES_DIR, 'deployment-response.json'), 'utf8'),
  ) as DeploymentResponse;
  return structuredClone(deploymentTemplate);
}

export interface NewDeployment {
  flowName: string;
  name: string;
  /** Prefect's parameter_openapi_schema; default: no parameters. null = no schema at all. */
  parameterSchema?: JsonObject | null;
  /** Deployment-level parameter values (run parameters are merged over them). */
  parameters?: JsonObject;
  tags?: string[];
  enforceParameterSchema?: boolean;
  id?: string;
  description?: string;
}

export function buildDeployment(input: NewDeployment, flowId: string, now: string): DeploymentResponse {
  const base = loadDeploymentTemplate();
  return {
    ...base,
    id: input.id ?? randomUUID(),
    created: now,
    updated: now,
    name: input.name,
    description: input.description ?? `${input.flowName}/${input.name} (fake Prefect deployment)`,
    flow_id: flowId,
    schedules: [],
    parameters: input.parameters ?? {},
    tags: input.tags ?? [],
    labels: { 'prefect.flow.id': flowId },
    parameter_openapi_schema:
      input.parameterSchema === undefined
        ? { title: 'Parameters', type: 'object', properties: {} }
        : input.parameterSchema,
    enforce_parameter_schema: input.enforceParameterSchema ?? true,
  };
}

export function buildState(
  runId: string,
  type: StateType,
  timestamp: string,
  options: { name?: string | null; message?: string | null; details?: Partial<Schemas['StateDetails']> } = {},
): State {
  return {
    id: randomUUID(),
    type,
    name: options.name ?? defaultStateName(type),
    timestamp,
    message: options.message ?? null,
    data: null,
    state_details: {
      flow_run_id: runId,
      task_run_id: null,
      child_flow_run_id: null,
      scheduled_time: null,
      cache_key: null,
      cache_expiration: null,
      deferred: false,
      untrackable_result: false,
      pause_timeout: null,
      pause_reschedule: false,
      pause_key: null,
      run_input_keyset: null,
      refresh_cache: null,
      retriable: null,
      transition_id: randomUUID(),
      task_parameters_id: null,
      traceparent: null,
      deployment_concurrency_lease_id: null,
      ...options.details,
    },
  };
}

export function buildFlowRun(
  deployment: DeploymentResponse,
  fields: { id: string; name: string; parameters: JsonObject; tags: string[]; idempotencyKey: string | null },
  now: string,
): FlowRunResponse {
  return {
    id: fields.id,
    created: now,
    updated: now,
    name: fields.name,
    flow_id: deployment.flow_id,
    state_id: null,
    deployment_id: deployment.id,
    deployment_version: deployment.version ?? null,
    work_queue_id: deployment.work_queue_id ?? null,
    work_queue_name: deployment.work_queue_name ?? null,
    flow_version: null,
    parameters: fields.parameters,
    idempotency_key: fields.idempotencyKey,
    context: {},
    empirical_policy: {
      max_retries: 0,
      retry_delay_seconds: 0,
      retries: 0,
      retry_delay: 0,
      pause_keys: [],
      resuming: false,
      retry_type: null,
    },
    tags: fields.tags,
    labels: { 'prefect.flow.id': deployment.flow_id, 'prefect.deployment.id': deployment.id },
    parent_task_run_id: null,
    state_type: null,
    state_name: null,
    run_count: 0,
    expected_start_time: now,
    next_scheduled_start_time: null,
    start_time: null,
    end_time: null,
    total_run_time: 0,
    estimated_run_time: 0,
    estimated_start_time_delta: 0,
    auto_scheduled: false,
    infrastructure_document_id: null,
    infrastructure_pid: null,
    created_by: { id: deployment.id, type: 'DEPLOYMENT', display_value: deployment.name },
    work_pool_id: null,
    work_pool_name: deployment.work_pool_name ?? null,
    state: null,
    job_variables: {},
  };
}

const ADJECTIVES = ['witty', 'brave', 'calm', 'eager', 'gentle', 'jolly', 'lucky', 'proud', 'quiet', 'swift'];
const ANIMALS = ['pelican', 'otter', 'lynx', 'heron', 'badger', 'falcon', 'marmot', 'ibis', 'gecko', 'tapir'];

/** Prefect names runs like "witty-pelican". */
export function randomRunName(): string {
  const pick = (words: string[]) => words[Math.floor(Math.random() * words.length)];
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}`;
}

/** Millisecond ISO timestamps that never repeat, so state order is always visible in timestamps. */
export function createTimestamps(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}
