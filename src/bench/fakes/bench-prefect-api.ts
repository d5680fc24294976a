/**
 * BENCH ONLY: a Prefect REST API that answers at once, for `npm run bench`. Unlike the test fake
 * (test/fakes/fake-prefect-server.ts) it checks no request against openapi.json and keeps no runs:
 * deployments come from the map it is given, every flow run asked for by id exists and is RUNNING
 * since `runStateTimestamp`, and logs and artifacts are empty. It counts requests per route.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonSchema } from '../../core/types';
import { listenLocal, readBody, sendJson } from './bench-http';

export interface BenchPrefectOptions {
  /** "<flow>/<deployment>" → parameter_openapi_schema. Unknown deployments answer 404. */
  deployments: Record<string, JsonSchema | null>;
  /** State timestamp of the runs `/flow_runs/filter` returns (ISO). Default 2025-01-01T00:00:00Z. */
  runStateTimestamp?: string;
}

export interface BenchPrefectApi {
  /** For PREFECT_API_URL, e.g. http://127.0.0.1:PORT/api */
  readonly apiUrl: string;
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export const DEFAULT_RUN_STATE_TIMESTAMP = '2025-01-01T00:00:00.000000+00:00';

export async function startBenchPrefectApi(options: BenchPrefectOptions): Promise<BenchPrefectApi> {
  const counts: Record<string, number> = {};
  const stateTimestamp = options.runStateTimestamp ?? DEFAULT_RUN_STATE_TIMESTAMP;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]?.replace(/^\/api/, '') ?? '/';
    const raw = await readBody(req);
    const route = routeName(req.method ?? 'GET', path);
    counts[route] = (counts[route] ?? 0) + 1;
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const [status, answer] = respond(route, path, body, options.deployments, stateTimestamp);
    sendJson(res, status, answer);
  };
  const listening = await listenLocal(handle);
  return {
    apiUrl: `http://127.0.0.1:${listening.port}/api`,
    counts: () => ({ ...counts }),
    close: () => listening.close(),
  };
}

function routeName(method: string, path: string): string {
  if (method === 'GET' && path.startsWith('/deployments/name/')) return 'GET /deployments/name/{flow}/{name}';
  if (method === 'POST' && /^\/deployments\/[^/]+\/create_flow_run$/.test(path))
    return 'POST /deployments/{id}/create_flow_run';
  return `${method} ${path}`;
}

function respond(
  route: string,
  path: string,
  body: Record<string, unknown>,
  deployments: Record<string, JsonSchema | null>,
  stateTimestamp: string,
): [number, unknown] {
  switch (route) {
    case 'GET /health':
      return [200, true];
    case 'GET /deployments/name/{flow}/{name}': {
      const ref = path
        .slice('/deployments/name/'.length)
        .split('/')
        .map((part) => decodeURIComponent(part))
        .join('/');
      if (!(ref in deployments)) return [404, { detail: 'Deployment not found' }];
      return [200, deployment(ref, deployments[ref] ?? null)];
    }
    case 'POST /deployments/{id}/create_flow_run':
      return [201, createdRun(path.split('/')[2] ?? '', body)];
    case 'POST /flow_runs/filter':
      return [200, requestedIds(body).map((id) => runningRun(id, stateTimestamp))];
    case 'POST /logs/filter':
    case 'POST /artifacts/filter':
      return [200, []];
    case 'POST /deployments/count':
      return [200, Object.keys(deployments).length];
    default:
      return [404, { detail: 'Not Found' }];
  }
}

/** A stable UUID per name, so a deployment keeps its id between calls. */
function stableUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function deployment(ref: string, schema: JsonSchema | null): Record<string, unknown> {
  const [flowName, name] = ref.split('/');
  return {
    id: stableUuid(ref),
    created: '2025-05-30T09:12:44.803117Z',
    updated: '2025-06-10T16:40:02.118920Z',
    name,
    flow_id: stableUuid(`flow:${flowName}`),
    paused: false,
    parameters: {},
    tags: [],
    parameter_openapi_schema: schema,
    enforce_parameter_schema: true,
    work_queue_name: 'default',
  };
}

function requestedIds(body: Record<string, unknown>): string[] {
  const filter = body.flow_runs as { id?: { any_?: unknown } } | undefined;
  const ids = filter?.id?.any_;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

function runningRun(id: string, timestamp: string): Record<string, unknown> {
  return {
    id,
    name: `bench-${id.slice(0, 8)}`,
    deployment_id: null,
    state_type: 'RUNNING',
    state_name: 'Running',
    state: { type: 'RUNNING', name: 'Running', timestamp, message: null },
    tags: ['flowdesk'],
    parameters: {},
    start_time: timestamp,
    end_time: null,
  };
}

function createdRun(deploymentId: string, body: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString();
  const state = (body.state as { type?: string; name?: string } | undefined) ?? {};
  return {
    id: randomUUID(),
    name: typeof body.name === 'string' ? body.name : 'bench-run',
    deployment_id: deploymentId,
    state_type: state.type ?? 'SCHEDULED',
    state_name: state.name ?? 'Scheduled',
    state: { type: state.type ?? 'SCHEDULED', name: state.name ?? 'Scheduled', timestamp: now },
    tags: Array.isArray(body.tags) ? body.tags : [],
    parameters: (body.parameters as Record<string, unknown> | undefined) ?? {},
    idempotency_key: body.idempotency_key ?? null,
    created: now,
  };
}
