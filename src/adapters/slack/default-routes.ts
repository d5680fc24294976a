/**
 * Routes served next to `/slack/events` when the caller does not bring its own: the caller's
 * routes win, the defaults (`/healthz`, `/readyz` from ../http/health-routes) fill the gaps.
 */
import type { CustomRoute } from '@slack/bolt';

/** The caller's routes first; defaults only for paths it did not claim. */
export function withDefaults(routes: CustomRoute[], defaults: CustomRoute[]): CustomRoute[] {
  const taken = new Set(routes.map((r) => r.path));
  return [...routes, ...defaults.filter((d) => !taken.has(d.path))];
}
