/**
 * `GET /healthz` (the process answers), `GET /readyz` (Redis and Prefect answer; 503 with the reason
 * otherwise) and `GET /metrics` (Prometheus text), SPEC §10.
 *
 * Plain node (req, res) handlers in Bolt's `customRoutes` shape, so the same objects serve in HTTP
 * mode, in Socket Mode (Bolt serves custom routes on its own port) and on a bare http server.
 * Handlers never reject: Bolt does not catch a rejected handler promise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface HealthRoutesDeps {
  store: { ping(): Promise<void> };
  /** null when flowdesk runs without Prefect (dry run): readiness then ignores it. */
  prefect: { health(): Promise<boolean> } | null;
  metrics: { metricsText(): Promise<string>; contentType: string };
  /** Per check. Default 2000 ms (well under the usual 5 s probe timeout). */
  timeoutMs?: number;
}

type CheckResult = 'ok' | 'not configured' | `down: ${string}`;

const DEFAULT_TIMEOUT_MS = 2000;
const MAX_REASON_LENGTH = 200;

export function createHealthRoutes(deps: HealthRoutesDeps): HealthRoute[] {
  return [healthzRoute(), readyzRoute(deps), metricsRoute(deps.metrics)];
}

/** `GET /healthz`: the process answers. */
export function healthzRoute(): HealthRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: async (_req, res) => sendJson(res, 200, { status: 'ok' }),
  };
}

/** `GET /readyz`: Redis and Prefect answer within the timeout; 503 with the reason otherwise. */
export function readyzRoute(deps: Pick<HealthRoutesDeps, 'store' | 'prefect' | 'timeoutMs'>): HealthRoute {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    path: '/readyz',
    method: ['GET'],
    handler: async (_req, res) => {
      const [redis, prefect] = await Promise.all([
        check(() => deps.store.ping().then(() => true), timeoutMs),
        deps.prefect
          ? check(() => deps.prefect!.health(), timeoutMs)
          : Promise.resolve<CheckResult>('not configured'),
      ]);
      const checks = { redis, prefect };
      const ready = Object.values(checks).every((result) => !result.startsWith('down'));
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
    },
  };
}

/** `GET /metrics`: the Prometheus text. */
function metricsRoute(metrics: HealthRoutesDeps['metrics']): HealthRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: async (_req, res) => {
      try {
        const text = await metrics.metricsText();
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        res.end(text);
      } catch {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics unavailable\n');
      }
    },
  };
}

/** Runs one check under a timeout; `false` and thrown errors become a "down: …" reason. */
async function check(probe: () => Promise<boolean>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(`down: no answer within ${timeoutMs} ms`), timeoutMs);
    timer.unref();
  });
  const outcome = probe().then(
    (healthy): CheckResult => (healthy ? 'ok' : 'down: health check failed'),
    (error: unknown): CheckResult => `down: ${safeReason(error)}`,
  );
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The error's message, without anything that could carry a credential: URL user-info
 * (`redis://user:pass@host`), bearer/basic tokens, and with a length cap.
 */
export function safeReason(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  const cleaned = raw
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@')
    .replace(/\b(bearer|basic)\s+[^\s,;]+/gi, '$1 ***')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return 'unknown error';
  return cleaned.length > MAX_REASON_LENGTH ? `${cleaned.slice(0, MAX_REASON_LENGTH - 1)}…` : cleaned;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
