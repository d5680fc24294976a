import http from 'node:http';
import { closeServer, listenOnLoopback } from '../helpers/loopback-server';
import { FakeBlocksAndAutomations } from './prefect/fake-prefect-blocks';
import { buildStateEvent, type PrefectStateEvent } from './prefect/fake-prefect-events';
import { UnsupportedFilterError } from './prefect/fake-prefect-filters';
import {
  createRoutes,
  isUuid,
  matchRoute,
  type Route,
  type RouteResult,
  UUID_PARAMS,
} from './prefect/fake-prefect-routes';
import { FakePrefectWorld, type FakeWorldOptions } from './prefect/fake-prefect-world';
import { OpenApiRequestValidator } from './prefect/openapi-request-validator';
import type { PydanticError } from './prefect/pydantic-errors';

export type { PrefectStateEvent } from './prefect/fake-prefect-events';
export type { DeploymentResponse, FlowRunResponse, State, StateType } from './prefect/fake-prefect-model';
export type { AutoProgress, NewArtifact, NewLogLine, ScriptStep } from './prefect/fake-prefect-world';

export interface FakePrefectServerOptions extends FakeWorldOptions {
  /** Require credentials like a secured Prefect: apiKey → Bearer (Cloud), authString → Basic (OSS). */
  auth?: { apiKey?: string; authString?: string };
  /** Validate request bodies against openapi.json (default true). */
  validateRequests?: boolean;
  /** Default: ../shared/prefect/openapi.json next to the checkout (or $PREFECT_OPENAPI_PATH). */
  openapiPath?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path below the API base, e.g. `/flow_runs/filter` (no query string). */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (the raw text when it is not JSON; undefined when empty). */
  body: unknown;
  rawBody: string;
  /** HTTP status answered (0 = connection dropped or not answered yet). */
  status: number;
  at: number;
}

export interface FailureOptions {
  /** How many matching requests fail (default 1; Infinity = until reset). */
  times?: number;
  /** Retry-After header value (seconds). */
  retryAfter?: number | string;
  /** Response body (default: what Prefect sends for that status). */
  body?: unknown;
}

type PathMatcher = string | RegExp;

interface Rule {
  method: string;
  path: PathMatcher;
  remaining: number;
}

/**
 * A local Prefect REST API for tests (real HTTP on 127.0.0.1, random port). It answers the endpoints
 * flowdesk uses with Prefect-shaped bodies, validates every request body against Prefect's
 * openapi.json (422 in Prefect's shape, unknown keys included), applies Prefect's orchestration rules
 * for cancel and resume, and lets tests script run states, inject failures and delays, and inspect
 * every request.
 *
 *   const prefect = new FakePrefectServer({ autoProgress: { states: ['PENDING', 'RUNNING', 'COMPLETED'], stepMs: 20 } });
 *   const apiUrl = await prefect.start();   // http://127.0.0.1:<port>/api
 *   const deployment = prefect.addDeployment({ flowName: 'reset-vpn', name: 'production' });
 *   ...
 *   await prefect.stop();
 */
export class FakePrefectServer extends FakePrefectWorld {
  readonly requests: RecordedRequest[] = [];
  /** Block types/documents and automations (for setup-prefect tests). */
  readonly blocks: FakeBlocksAndAutomations;
  private readonly routes: Route[];
  private readonly validator: OpenApiRequestValidator | undefined;
  private readonly auth: FakePrefectServerOptions['auth'];
  private server: http.Server | undefined;
  private baseUrl: string | undefined;
  private failures: Array<Rule & { status: number; options: FailureOptions }> = [];
  private delays: Array<Rule & { ms: number }> = [];
  private drops: Rule[] = [];
  /** Errors thrown by handlers (answered 500), for debugging a failing test. */
  readonly handlerErrors: unknown[] = [];

  constructor(options: FakePrefectServerOptions = {}) {
    super(options);
    this.blocks = new FakeBlocksAndAutomations(this.now);
    this.routes = createRoutes(this, this.blocks);
    this.auth = options.auth;
    this.validator =
      options.validateRequests === false ? undefined : new OpenApiRequestValidator(options.openapiPath);
  }

  /** Starts listening; returns the API base URL (`http://127.0.0.1:<port>/api`). */
  async start(): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    this.validator?.preload();
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.handlerErrors.push(error);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.baseUrl = `${await listenOnLoopback(server)}/api`;
    this.server = server;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.clearTimers();
    const server = this.server;
    this.server = undefined;
    this.baseUrl = undefined;
    if (!server) return;
    await closeServer(server);
  }

  /** The API base URL (after start). */
  get url(): string {
    if (!this.baseUrl) throw new Error('FakePrefectServer is not started');
    return this.baseUrl;
  }

  /** The UI base a self-hosted Prefect would have (API URL minus /api). */
  get uiUrl(): string {
    return this.url.replace(/\/api$/, '');
  }

  /** Forgets everything: deployments, runs, requests, rules, blocks, automations. */
  reset(): void {
    this.resetWorld();
    this.blocks.reset();
    this.requests.length = 0;
    this.handlerErrors.length = 0;
    this.failures = [];
    this.delays = [];
    this.drops = [];
  }

  // ------------------------------------------------------------------ fault injection

  /** The next matching request(s) get `status` (e.g. 503, or 429 with retryAfter). */
  failNext(method: string, path: PathMatcher, status: number, options: FailureOptions = {}): void {
    this.failures.push({ method, path, status, options, remaining: options.times ?? 1 });
  }

  /** The next matching request(s) are answered `ms` later (to trigger client timeouts). */
  delayNext(method: string, path: PathMatcher, ms: number, options: { times?: number } = {}): void {
    this.delays.push({ method, path, ms, remaining: options.times ?? 1 });
  }

  /** The next matching request(s) get their connection reset (a network error for the client). */
  dropNext(method: string, path: PathMatcher, options: { times?: number } = {}): void {
    this.drops.push({ method, path, remaining: options.times ?? 1 });
  }

  /** Recorded requests for one method and path (exact string or RegExp). */
  requestsTo(method: string, path: PathMatcher): RecordedRequest[] {
    return this.requests.filter((request) =>
      matches({ method, path, remaining: 1 }, request.method, request.path),
    );
  }

  /** Prefect's event for a run's latest state (or the state with `stateId`), as a webhook would get it. */
  stateEvent(runId: string, stateId?: string): PrefectStateEvent {
    const run = this.mustGetRun(runId);
    const index = stateId ? run.history.findIndex((state) => state.id === stateId) : run.history.length - 1;
    if (index < 0) throw new Error(`Run ${runId} has no state ${stateId}`);
    const deployment = run.response.deployment_id ? this.deployment(run.response.deployment_id) : undefined;
    return buildStateEvent(
      run.response,
      run.history[index],
      run.history[index - 1] ?? null,
      deployment,
      this.flow(run.response.flow_id)?.name,
    );
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake-prefect');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname;
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parseLoosely(rawBody),
      rawBody,
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);

    if (take(this.drops, method, path)) {
      req.socket.destroy();
      return;
    }
    const delay = take(this.delays, method, path);
    if (delay) await new Promise<void>((resolve) => this.later(delay.ms, resolve));
    const answer = url.pathname.startsWith('/api/')
      ? this.answer(method, path, url.search, rawBody, req.headers)
      : { status: 404, json: { detail: 'Not Found' } };
    record.status = answer.status;
    send(res, answer);
  }

  private answer(
    method: string,
    path: string,
    search: string,
    rawBody: string,
    headers: http.IncomingHttpHeaders,
  ): RouteResult & { headers?: Record<string, string> } {
    const failure = take(this.failures, method, path);
    if (failure) return failureAnswer(failure.status, failure.options);
    if (!this.authorized(path, headers.authorization)) {
      return { status: 401, json: { exception_message: 'Unauthorized' } };
    }
    const match = matchRoute(this.routes, method, path);
    if (match.kind !== 'found') {
      // FastAPI redirects to the route with (or without) the trailing slash.
      const toggled = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
      if (matchRoute(this.routes, method, toggled).kind === 'found') {
        return { status: 307, headers: { location: `/api${toggled}${search}` } };
      }
      return match.kind === 'method_not_allowed'
        ? { status: 405, json: { detail: 'Method Not Allowed' } }
        : { status: 404, json: { detail: 'Not Found' } };
    }
    const invalid = this.invalidRequest(match.route, match.params, rawBody);
    if (invalid) return invalid;
    const body = rawBody.trim() === '' ? undefined : (JSON.parse(rawBody) as unknown);
    try {
      return match.route.handle(match.params, body);
    } catch (error) {
      if (error instanceof UnsupportedFilterError) {
        return {
          status: 501,
          json: { detail: `The fake Prefect server does not implement ${error.message}` },
        };
      }
      this.handlerErrors.push(error);
      return { status: 500, json: { exception_message: 'Internal Server Error' } };
    }
  }

  /** 422 in Prefect's shape for a malformed path id, body JSON, or a body the schema rejects. */
  private invalidRequest(route: Route, params: Record<string, string>, rawBody: string): RouteResult | null {
    const errors: PydanticError[] = [];
    for (const [name, value] of Object.entries(params)) {
      if (UUID_PARAMS.has(name) && !isUuid(value)) {
        errors.push({
          type: 'uuid_parsing',
          loc: ['path', name],
          msg: 'Input should be a valid UUID',
          input: value,
        });
      }
    }
    let body: unknown;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        errors.push({ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} });
      }
    }
    if (errors.length === 0 && this.validator) {
      errors.push(...this.validator.validateBody(route.method, route.template, body));
    }
    if (errors.length === 0) return null;
    return {
      status: 422,
      json: {
        exception_message: 'Invalid request received.',
        exception_detail: errors,
        request_body: body ?? null,
      },
    };
  }

  private authorized(path: string, header: string | undefined): boolean {
    if (!this.auth || path === '/health' || path === '/ready') return true;
    if (this.auth.authString) {
      return header === `Basic ${Buffer.from(this.auth.authString).toString('base64')}`;
    }
    return !this.auth.apiKey || header === `Bearer ${this.auth.apiKey}`;
  }
}

function matches(rule: Rule, method: string, path: string): boolean {
  const methodOk = rule.method === '*' || rule.method.toUpperCase() === method;
  const pathOk = typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
  return methodOk && pathOk && rule.remaining > 0;
}

/** Consumes one use of the first matching rule. */
function take<T extends Rule>(rules: T[], method: string, path: string): T | undefined {
  const rule = rules.find((candidate) => matches(candidate, method, path));
  if (rule) rule.remaining -= 1;
  return rule;
}

const DEFAULT_FAILURE_BODIES: Record<number, unknown> = {
  401: { exception_message: 'Unauthorized' },
  404: { detail: 'Not Found' },
  429: { detail: 'Rate limit exceeded' },
  500: { exception_message: 'Internal Server Error' },
  503: { exception_message: 'Service Unavailable' },
};

function failureAnswer(
  status: number,
  options: FailureOptions,
): RouteResult & { headers?: Record<string, string> } {
  const answer: RouteResult & { headers?: Record<string, string> } = {
    status,
    json: options.body ?? DEFAULT_FAILURE_BODIES[status] ?? { detail: `HTTP ${status}` },
  };
  if (options.retryAfter !== undefined) answer.headers = { 'retry-after': String(options.retryAfter) };
  return answer;
}

function send(res: http.ServerResponse, answer: RouteResult & { headers?: Record<string, string> }): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...answer.headers };
  let payload = '';
  if (answer.text !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    payload = answer.text;
  } else if (answer.json !== undefined && answer.status !== 204) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(answer.json);
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseLoosely(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
