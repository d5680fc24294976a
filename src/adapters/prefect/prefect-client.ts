import { FlowdeskError } from '../../core/errors';
import type {
  CreateFlowRunInput,
  DeploymentInfo,
  FlowRunSnapshot,
  Logger,
  PrefectPort,
  ResumeStatus,
  RunArtifact,
  RunLogLine,
} from '../../core/ports';
import { parseDeploymentRef, toDeploymentInfo } from './map-deployment';
import { toCancelOutcome, toFlowRunSnapshot } from './map-flow-run';
import { toRunArtifact, toRunLogLine } from './map-run-output';
import { createPrefectHttp, type PrefectHttp, type RetryPolicy } from './prefect-http';
import type { PrefectSchemas } from './prefect-schemas';

export interface PrefectClientOptions {
  /** e.g. http://127.0.0.1:4200/api or https://api.prefect.cloud/api/accounts/{a}/workspaces/{w} */
  apiUrl: string;
  /** UI base for links (see `prefectUiUrl` in config). */
  uiUrl: string;
  /** Prefect Cloud API key (Bearer). */
  apiKey?: string;
  /** Self-hosted basic auth "user:pass". */
  authString?: string;
  fetch?: typeof fetch;
  logger: Logger;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Overall time of one request across its retries (see prefect-http.ts); default 30 s. */
  budgetMs?: number;
  /** How long a deployment (and its parameter schema) is reused; default 60 s. */
  deploymentCacheMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for the deployment cache (tests). */
  now?: () => number;
}

/** Prefect's PREFECT_SERVER_API_DEFAULT_LIMIT: a larger `limit` is a 422. */
export const MAX_FILTER_LIMIT = 200;
const DEFAULT_LOG_LIMIT = 50;
const DEFAULT_MIN_LOG_LEVEL = 20;

type Schemas = PrefectSchemas;

export function createPrefectClient(options: PrefectClientOptions): PrefectPort {
  if (hasCredentialsInUrl(options.apiUrl)) {
    throw new FlowdeskError('config_invalid', 'PREFECT_API_URL must not contain credentials', {
      userMessage:
        'PREFECT_API_URL must not contain a user name or password; set PREFECT_API_AUTH_STRING or PREFECT_API_KEY.',
    });
  }
  const http = createPrefectHttp({ ...options, logger: options.logger.child({ component: 'prefect' }) });
  const uiUrl = options.uiUrl.replace(/\/+$/, '');
  const getDeployment = createDeploymentCache(
    http,
    options.deploymentCacheMs ?? 60_000,
    options.now ?? Date.now,
  );

  return {
    getDeployment,
    createFlowRun: (input) => createFlowRun(http, input),
    readFlowRun: async (id) => toFlowRunSnapshot(await readFlowRunResponse(http, id)),
    readFlowRuns: (ids) => readFlowRuns(http, ids),
    cancelFlowRun: async (id, message) => {
      const body: Schemas['Body_set_flow_run_state_flow_runs__id__set_state_post'] = {
        state: { type: 'CANCELLING', name: 'Cancelling', message },
        force: false,
      };
      const { body: result } = await http.request<Schemas['OrchestrationResult']>(
        'POST',
        `/flow_runs/${segment(id)}/set_state`,
        { body, notFoundMessage: runNotFound(id), rejectedSubject: 'the cancellation' },
      );
      return toCancelOutcome(result);
    },
    readLogs: (flowRunId, logOptions) => readLogs(http, flowRunId, logOptions),
    readArtifacts: (flowRunId) => readArtifacts(http, flowRunId),
    readRunInput: async (flowRunId, key) => {
      const { body } = await http.request<string>(
        'GET',
        `/flow_runs/${segment(flowRunId)}/input/${segment(key)}`,
        {
          responseType: 'text',
          notFoundMessage: `Prefect has no input "${key}" for flow run ${flowRunId}.`,
        },
      );
      return parseStoredJson(body);
    },
    resumeFlowRun: (flowRunId, runInput) => resumeFlowRun(http, flowRunId, runInput),
    health: () => checkHealth(http),
    runUrl: (flowRunId) => `${uiUrl}/runs/flow-run/${encodeURIComponent(flowRunId)}`,
  };
}

/** Deployments change rarely; callers asking at once share one request, failures are not cached. */
function createDeploymentCache(
  http: PrefectHttp,
  ttlMs: number,
  now: () => number,
): (ref: string) => Promise<DeploymentInfo> {
  const cache = new Map<string, { value: Promise<DeploymentInfo>; expiresAt: number }>();
  return (ref) => {
    const cached = cache.get(ref);
    if (cached && cached.expiresAt > now()) return cached.value;
    const entry = { value: fetchDeployment(http, ref), expiresAt: Number.POSITIVE_INFINITY };
    cache.set(ref, entry);
    entry.value.then(
      () => {
        entry.expiresAt = now() + ttlMs;
      },
      () => {
        if (cache.get(ref) === entry) cache.delete(ref);
      },
    );
    return entry.value;
  };
}

async function fetchDeployment(http: PrefectHttp, ref: string): Promise<DeploymentInfo> {
  const parsed = parseDeploymentRef(ref);
  const { body } = await http.request<Schemas['DeploymentResponse']>(
    'GET',
    `/deployments/name/${segment(parsed.flowName)}/${segment(parsed.deploymentName)}`,
    { notFoundMessage: `Prefect has no deployment "${ref}". Check the deployment name in the process map.` },
  );
  return toDeploymentInfo(body, parsed);
}

async function createFlowRun(
  http: PrefectHttp,
  input: CreateFlowRunInput,
): Promise<FlowRunSnapshot & { created: boolean }> {
  const body: Schemas['DeploymentFlowRunCreate'] = {
    parameters: input.parameters,
    idempotency_key: input.idempotencyKey,
    tags: input.tags,
  };
  if (input.name) body.name = input.name;
  if (input.scheduledAt) {
    body.state = {
      type: 'SCHEDULED',
      name: 'Scheduled',
      message: input.stateMessage ?? null,
      state_details: { scheduled_time: input.scheduledAt },
    };
  }
  const response = await http.request<Schemas['FlowRunResponse']>(
    'POST',
    `/deployments/${segment(input.deploymentId)}/create_flow_run`,
    {
      body,
      notFoundMessage: 'Prefect no longer has this deployment. Nothing was started.',
      rejectedSubject: 'the parameters',
    },
  );
  // 201 = a new run; 200 = Prefect found a run with this idempotency key and returned it.
  return { ...toFlowRunSnapshot(response.body), created: response.status === 201 };
}

async function readFlowRunResponse(http: PrefectHttp, id: string): Promise<Schemas['FlowRunResponse']> {
  const { body } = await http.request<Schemas['FlowRunResponse']>('GET', `/flow_runs/${segment(id)}`, {
    notFoundMessage: runNotFound(id),
  });
  return body;
}

/** One POST /flow_runs/filter per 200 ids; results keep the order of `ids`, unknown ids are left out. */
async function readFlowRuns(http: PrefectHttp, ids: string[]): Promise<FlowRunSnapshot[]> {
  const unique = [...new Set(ids)];
  const byId = new Map<string, FlowRunSnapshot>();
  for (let start = 0; start < unique.length; start += MAX_FILTER_LIMIT) {
    const chunk = unique.slice(start, start + MAX_FILTER_LIMIT);
    const body: Schemas['Body_read_flow_runs_flow_runs_filter_post'] = {
      flow_runs: { id: { any_: chunk } },
      limit: chunk.length,
      offset: 0,
    };
    const { body: runs } = await http.request<Schemas['FlowRunResponse'][]>('POST', '/flow_runs/filter', {
      body,
    });
    for (const run of runs) byId.set(run.id, toFlowRunSnapshot(run));
  }
  return unique.flatMap((id) => byId.get(id) ?? []);
}

/** The LAST `limit` lines at or above `minLevel`, oldest first (newest-first query, then reversed). */
async function readLogs(
  http: PrefectHttp,
  flowRunId: string,
  options: { minLevel?: number; limit?: number } = {},
): Promise<RunLogLine[]> {
  const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LOG_LIMIT, MAX_FILTER_LIMIT));
  const body: Schemas['Body_read_logs_logs_filter_post'] = {
    logs: { flow_run_id: { any_: [flowRunId] }, level: { ge_: options.minLevel ?? DEFAULT_MIN_LOG_LEVEL } },
    sort: 'TIMESTAMP_DESC',
    limit,
    offset: 0,
  };
  const { body: logs } = await http.request<Schemas['Log'][]>('POST', '/logs/filter', { body });
  return logs.map(toRunLogLine).reverse();
}

async function readArtifacts(http: PrefectHttp, flowRunId: string): Promise<RunArtifact[]> {
  const body: Schemas['Body_read_artifacts_artifacts_filter_post'] = {
    artifacts: { flow_run_id: { any_: [flowRunId] } },
    sort: 'CREATED_DESC',
    limit: MAX_FILTER_LIMIT,
    offset: 0,
  };
  const { body: artifacts } = await http.request<Schemas['Artifact'][]>('POST', '/artifacts/filter', {
    body,
  });
  // Oldest first, like the run produced them.
  return artifacts.map(toRunArtifact).reverse();
}

async function resumeFlowRun(
  http: PrefectHttp,
  flowRunId: string,
  runInput: unknown,
): Promise<{ status: ResumeStatus; reason?: string }> {
  const body: Schemas['Body_resume_flow_run_flow_runs__id__resume_post'] = {
    run_input: (runInput ?? null) as Record<string, unknown> | null,
  };
  const { body: result } = await http.request<Schemas['OrchestrationResult']>(
    'POST',
    `/flow_runs/${segment(flowRunId)}/resume`,
    { body, notFoundMessage: runNotFound(flowRunId), rejectedSubject: 'the input', retryUnanswered: false },
  );
  // HTTP 200 can still carry REJECT (input invalid) or ABORT (not paused): the status field decides.
  const reason = result.details && 'reason' in result.details ? result.details.reason : undefined;
  return reason ? { status: result.status, reason } : { status: result.status };
}

/**
 * GET /health (OSS; no auth needed). Prefect Cloud's workspace API is not known to serve /health, so
 * a 404 there falls back to a cheap authenticated call. One attempt each; never throws.
 */
async function checkHealth(http: PrefectHttp): Promise<boolean> {
  try {
    await http.request<unknown>('GET', '/health', { retry: false });
    return true;
  } catch (error) {
    if (!(error instanceof FlowdeskError && error.code === 'prefect_not_found')) return false;
  }
  try {
    await http.request<number>('POST', '/deployments/count', { body: {}, retry: false });
    return true;
  } catch {
    return false;
  }
}

/** Flow run inputs are stored as JSON text (a description is a JSON string, quotes included). */
function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function runNotFound(id: string): string {
  return `Prefect does not know flow run ${id} (it may have been deleted, or aged out of retention).`;
}

function hasCredentialsInUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}
