/**
 * Routes served next to `/slack/events` when the caller does not bring its own: `/healthz` (the
 * process answers) and `/readyz` (Redis and Prefect answer; 503 with the reason otherwise).
 */
import type { CustomRoute } from '@slack/bolt';

export interface ReadinessChecks {
  /** Throws when the store is down. */
  store: () => Promise<void>;
  /** false when Prefect does not answer; absent in dry-run mode. */
  prefect?: () => Promise<boolean>;
  timeoutMs?: number;
}

export function healthzRoute(): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    },
  };
}

export function readyzRoute(checks: ReadinessChecks): CustomRoute {
  const timeoutMs = checks.timeoutMs ?? 2000;
  return {
    path: '/readyz',
    method: ['GET'],
    handler: (_req, res) => {
      void readiness(checks, timeoutMs).then((problems) => {
        const ok = problems.length === 0;
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { ok } : { ok, reasons: problems }));
      });
    },
  };
}

async function readiness(checks: ReadinessChecks, timeoutMs: number): Promise<string[]> {
  const [store, prefect] = await Promise.all([
    within(
      checks.store().then(() => true),
      timeoutMs,
    ),
    checks.prefect ? within(checks.prefect(), timeoutMs) : Promise.resolve(true),
  ]);
  const problems: string[] = [];
  if (!store) problems.push('redis unreachable');
  if (!prefect) problems.push('prefect unreachable');
  return problems;
}

function within(check: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return Promise.race([
    check.catch(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref?.()),
  ]);
}

/** The caller's routes first; defaults only for paths it did not claim. */
export function withDefaults(routes: CustomRoute[], defaults: CustomRoute[]): CustomRoute[] {
  const taken = new Set(routes.map((r) => r.path));
  return [...routes, ...defaults.filter((d) => !taken.has(d.path))];
}
