import type { FakeBlocksAndAutomations } from './fake-prefect-blocks';
import { filterArtifacts, filterFlowRuns, filterLogs } from './fake-prefect-filters';
import type { JsonObject, Schemas } from './fake-prefect-model';
import type { FakePrefectWorld } from './fake-prefect-world';
import { schemaFailure } from './json-schema-check';

export interface RouteResult {
  status: number;
  /** JSON body (omitted for 204). */
  json?: unknown;
  /** text/plain body (flow run inputs). */
  text?: string;
}

export interface Route {
  method: string;
  /** The OpenAPI path, used to find the request body schema. */
  template: string;
  handle(params: Record<string, string>, body: unknown): RouteResult;
}

const notFound = (detail: string): RouteResult => ({ status: 404, json: { detail } });

/** The endpoints the fake serves; each body was validated against openapi.json before `handle`. */
export function createRoutes(world: FakePrefectWorld, blocks: FakeBlocksAndAutomations): Route[] {
  const route = (method: string, template: string, handle: Route['handle']): Route => ({
    method,
    template,
    handle,
  });
  const withRun = (id: string, answer: () => RouteResult) =>
    world.run(id) ? answer() : notFound('Flow run not found');

  return [
    route('GET', '/health', () => ({ status: 200, json: true })),

    route('GET', '/deployments/name/{flow_name}/{deployment_name}', (p) => {
      const deployment = world.deploymentByName(p.flow_name, p.deployment_name);
      return deployment ? { status: 200, json: deployment } : notFound('Deployment not found');
    }),
    route('POST', '/deployments/count', () => ({ status: 200, json: world.deploymentCount() })),
    route('GET', '/deployments/{id}', (p) => {
      const deployment = world.deployment(p.id);
      return deployment ? { status: 200, json: deployment } : notFound('Deployment not found');
    }),
    route('POST', '/deployments/{id}/create_flow_run', (p, body) =>
      createFlowRun(world, p.id, body as Schemas['DeploymentFlowRunCreate']),
    ),
    route('GET', '/flows/{id}', (p) => {
      const flow = world.flow(p.id);
      if (!flow) return notFound('Flow not found');
      return { status: 200, json: { ...flow, created: null, updated: null, tags: [], labels: {} } };
    }),

    route('POST', '/flow_runs/filter', (_p, body) => ({
      status: 200,
      json: filterFlowRuns(
        world.runs(),
        (body ?? {}) as Schemas['Body_read_flow_runs_flow_runs_filter_post'],
      ),
    })),
    route('GET', '/flow_runs/{id}', (p) => {
      const run = world.run(p.id);
      return run ? { status: 200, json: run } : notFound('Flow run not found');
    }),
    route('POST', '/flow_runs/{id}/set_state', (p, body) =>
      withRun(p.id, () => {
        const { state, force } = body as Schemas['Body_set_flow_run_state_flow_runs__id__set_state_post'];
        const answer = world.proposeState(p.id, state, force ?? false);
        return { status: answer.status, json: answer.result };
      }),
    ),
    // Prefect answers 500 for an unknown run here (it dereferences None); the fake says 404.
    route('POST', '/flow_runs/{id}/resume', (p, body) =>
      withRun(p.id, () => {
        const { run_input } = (body ?? {}) as Schemas['Body_resume_flow_run_flow_runs__id__resume_post'];
        const answer = world.resume(p.id, run_input as JsonObject | null | undefined);
        return { status: answer.status, json: answer.result };
      }),
    ),
    route('GET', '/flow_runs/{id}/input/{key}', (p) => {
      const value = world.runInput(p.id, p.key);
      return value === undefined ? notFound('Flow run input not found') : { status: 200, text: value };
    }),

    route('POST', '/logs/filter', (_p, body) => ({
      status: 200,
      json: filterLogs(world.logEntries(), (body ?? {}) as Schemas['Body_read_logs_logs_filter_post']),
    })),
    route('POST', '/artifacts/filter', (_p, body) => ({
      status: 200,
      json: filterArtifacts(
        world.artifacts(),
        (body ?? {}) as Schemas['Body_read_artifacts_artifacts_filter_post'],
      ),
    })),

    ...blockAndAutomationRoutes(blocks),
  ];
}

function createFlowRun(
  world: FakePrefectWorld,
  deploymentId: string,
  body: Schemas['DeploymentFlowRunCreate'],
) {
  const deployment = world.deployment(deploymentId);
  if (!deployment) return notFound('Deployment not found');
  const enforce = body.enforce_parameter_schema ?? deployment.enforce_parameter_schema ?? true;
  if (enforce) {
    const schema = deployment.parameter_openapi_schema;
    if (!schema || typeof schema !== 'object') {
      return {
        status: 409,
        json: {
          detail:
            'Error updating deployment: Cannot update parameters because parameter schema enforcement is enabled and the deployment does not have a valid parameter schema.',
        },
      };
    }
    const parameters = { ...(deployment.parameters ?? {}), ...(body.parameters ?? {}) };
    const failure = schemaFailure(schema, parameters);
    if (failure) return { status: 409, json: { detail: `Error creating flow run: ${failure}` } };
  }
  const { run, created } = world.createRun(deploymentId, body);
  return { status: created ? 201 : 200, json: run };
}

function blockAndAutomationRoutes(blocks: FakeBlocksAndAutomations): Route[] {
  const route = (method: string, template: string, handle: Route['handle']): Route => ({
    method,
    template,
    handle,
  });
  return [
    route('GET', '/block_types/slug/{slug}', (p) => {
      const blockType = blocks.blockTypeBySlug(p.slug);
      return blockType ? { status: 200, json: blockType } : notFound('Block type not found');
    }),
    route('POST', '/block_schemas/filter', (_p, body) => ({
      status: 200,
      json: blocks.filterBlockSchemas(
        (body ?? {}) as Schemas['Body_read_block_schemas_block_schemas_filter_post'],
      ),
    })),
    route('POST', '/block_documents/filter', (_p, body) => ({
      status: 200,
      json: blocks.filterBlockDocuments(
        (body ?? {}) as Schemas['Body_read_block_documents_block_documents_filter_post'],
      ),
    })),
    route('POST', '/block_documents/', (_p, body) => {
      const result = blocks.createBlockDocument(body as Schemas['BlockDocumentCreate']);
      return 'document' in result
        ? { status: 201, json: result.document }
        : { status: result.status, json: { detail: result.detail } };
    }),
    route('PATCH', '/block_documents/{id}', (p, body) =>
      blocks.updateBlockDocument(p.id, body as Schemas['BlockDocumentUpdate'])
        ? { status: 204 }
        : notFound('Block document not found'),
    ),
    route('POST', '/automations/filter', (_p, body) => ({
      status: 200,
      json: blocks.filterAutomations(
        (body ?? {}) as Schemas['Body_read_automations_automations_filter_post'],
      ),
    })),
    route('POST', '/automations/', (_p, body) => ({
      status: 201,
      json: blocks.createAutomation(body as Schemas['AutomationCreate']),
    })),
    route('GET', '/automations/{id}', (p) => {
      const automation = blocks.automation(p.id);
      return automation ? { status: 200, json: automation } : notFound('Automation not found');
    }),
    route('PUT', '/automations/{id}', (p, body) =>
      blocks.replaceAutomation(p.id, body as Schemas['AutomationUpdate'])
        ? { status: 204 }
        : notFound('Automation not found'),
    ),
    route('DELETE', '/automations/{id}', (p) =>
      blocks.deleteAutomation(p.id) ? { status: 204 } : notFound('Automation not found'),
    ),
  ];
}

/** Path parameters Prefect types as UUIDs (a malformed one is a 422 before any handler runs). */
export const UUID_PARAMS = new Set(['id']);
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed' }
  | { kind: 'not_found' };

/** Literal segments beat `{params}`, so /flow_runs/filter is not read as a run id. */
export function matchRoute(routes: Route[], method: string, path: string): RouteMatch {
  const segments = path.split('/');
  let pathMatched = false;
  const candidates = routes
    .map((route) => ({ route, params: matchTemplate(route.template, segments) }))
    .filter((c): c is { route: Route; params: Record<string, string> } => c.params !== null)
    .sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
  for (const candidate of candidates) {
    pathMatched = true;
    if (candidate.route.method === method) return { kind: 'found', ...candidate };
  }
  return pathMatched ? { kind: 'method_not_allowed' } : { kind: 'not_found' };
}

function matchTemplate(template: string, segments: string[]): Record<string, string> | null {
  const parts = template.split('/');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segments[i] === '') return null;
      params[part.slice(1, -1)] = decodeURIComponent(segments[i]);
    } else if (part !== segments[i]) {
      return null;
    }
  }
  return params;
}
