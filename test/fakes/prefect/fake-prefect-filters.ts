import type { FlowRunResponse, Schemas } from './fake-prefect-model';

/** A filter the fake does not implement: answered 501 so a test never trusts silently wrong data. */
export class UnsupportedFilterError extends Error {}

const DEFAULT_LIMIT = 200;
const ANY_KEYS = ['any_', 'not_any_'];

type AnyFilter =
  | { any_?: unknown[] | null; not_any_?: unknown[] | null; all_?: unknown[] | null }
  | null
  | undefined;

/** Throws for keys (with a non-null value) the fake does not implement. */
function onlyKeys(where: string, filter: object | null | undefined, supported: string[]): void {
  if (!filter) return;
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (key === 'operator' && value === 'and_') continue;
    if (!supported.includes(key)) throw new UnsupportedFilterError(`${where}.${key}`);
  }
}

function matchesAny(value: unknown, filter: AnyFilter): boolean {
  if (!filter) return true;
  if (filter.any_ && !filter.any_.includes(value)) return false;
  if (filter.not_any_?.includes(value)) return false;
  return true;
}

function matchesTags(tags: string[], filter: AnyFilter): boolean {
  if (!filter) return true;
  if (filter.all_ && !filter.all_.every((tag) => tags.includes(String(tag)))) return false;
  if (filter.any_ && !filter.any_.some((tag) => tags.includes(String(tag)))) return false;
  return true;
}

function page<T>(items: T[], body: { offset?: number; limit?: number }): T[] {
  const offset = body.offset ?? 0;
  return items.slice(offset, offset + (body.limit ?? DEFAULT_LIMIT));
}

const byString =
  <T>(get: (item: T) => string | null | undefined, direction: 1 | -1) =>
  (a: T, b: T) =>
    direction * (get(a) ?? '').localeCompare(get(b) ?? '');

export function filterFlowRuns(
  runs: FlowRunResponse[],
  body: Schemas['Body_read_flow_runs_flow_runs_filter_post'],
): FlowRunResponse[] {
  onlyKeys('body', body, ['flow_runs', 'deployments', 'sort', 'offset', 'limit']);
  const filter = body.flow_runs;
  onlyKeys('flow_runs', filter, ['id', 'tags', 'deployment_id', 'state', 'idempotency_key', 'name']);
  onlyKeys('flow_runs.state', filter?.state, ['type', 'name']);
  onlyKeys('deployments', body.deployments, ['id']);
  for (const key of ['id', 'deployment_id', 'idempotency_key', 'name'] as const) {
    onlyKeys(`flow_runs.${key}`, filter?.[key], ANY_KEYS);
  }
  onlyKeys('flow_runs.tags', filter?.tags, ['all_', 'any_']);
  onlyKeys('flow_runs.state.type', filter?.state?.type, ANY_KEYS);
  onlyKeys('flow_runs.state.name', filter?.state?.name, ANY_KEYS);
  onlyKeys('deployments.id', body.deployments?.id, ANY_KEYS);
  const matching = runs.filter(
    (run) =>
      matchesAny(run.id, filter?.id) &&
      matchesTags(run.tags ?? [], filter?.tags) &&
      matchesAny(run.deployment_id, filter?.deployment_id) &&
      matchesAny(run.deployment_id, body.deployments?.id) &&
      matchesAny(run.state_type, filter?.state?.type) &&
      matchesAny(run.state_name, filter?.state?.name) &&
      matchesAny(run.idempotency_key, filter?.idempotency_key) &&
      matchesAny(run.name, filter?.name),
  );
  const sorters: Record<string, (a: FlowRunResponse, b: FlowRunResponse) => number> = {
    ID_DESC: byString((run) => run.id, -1),
    START_TIME_ASC: byString((run) => run.start_time, 1),
    START_TIME_DESC: byString((run) => run.start_time, -1),
    EXPECTED_START_TIME_ASC: byString((run) => run.expected_start_time, 1),
    EXPECTED_START_TIME_DESC: byString((run) => run.expected_start_time, -1),
    NAME_ASC: byString((run) => run.name, 1),
    NAME_DESC: byString((run) => run.name, -1),
    NEXT_SCHEDULED_START_TIME_ASC: byString((run) => run.next_scheduled_start_time, 1),
    END_TIME_DESC: byString((run) => run.end_time, -1),
  };
  return page(matching.sort(sorters[body.sort ?? 'ID_DESC']), body);
}

export function filterLogs(
  logs: Schemas['Log'][],
  body: Schemas['Body_read_logs_logs_filter_post'],
): Schemas['Log'][] {
  const filter = body.logs;
  onlyKeys('logs', filter, ['flow_run_id', 'level', 'timestamp']);
  onlyKeys('logs.flow_run_id', filter?.flow_run_id, ANY_KEYS);
  const after = filter?.timestamp?.after_;
  const before = filter?.timestamp?.before_;
  const matching = logs.filter(
    (log) =>
      matchesAny(log.flow_run_id, filter?.flow_run_id) &&
      (filter?.level?.ge_ == null || log.level >= filter.level.ge_) &&
      (filter?.level?.le_ == null || log.level <= filter.level.le_) &&
      (!after || log.timestamp >= after) &&
      (!before || log.timestamp <= before),
  );
  const direction = body.sort === 'TIMESTAMP_DESC' ? -1 : 1;
  return page(matching.sort(byString((log) => log.timestamp, direction)), body);
}

export function filterArtifacts(
  artifacts: Schemas['Artifact'][],
  body: Schemas['Body_read_artifacts_artifacts_filter_post'],
): Schemas['Artifact'][] {
  onlyKeys('body', body, ['artifacts', 'flow_runs', 'sort', 'offset', 'limit']);
  const filter = body.artifacts;
  onlyKeys('artifacts', filter, ['id', 'key', 'flow_run_id', 'type']);
  onlyKeys('flow_runs', body.flow_runs, ['id']);
  for (const key of ['id', 'key', 'flow_run_id', 'type'] as const)
    onlyKeys(`artifacts.${key}`, filter?.[key], ANY_KEYS);
  onlyKeys('flow_runs.id', body.flow_runs?.id, ANY_KEYS);
  const matching = artifacts.filter(
    (artifact) =>
      matchesAny(artifact.id, filter?.id) &&
      matchesAny(artifact.key, filter?.key) &&
      matchesAny(artifact.flow_run_id, filter?.flow_run_id) &&
      matchesAny(artifact.type, filter?.type) &&
      matchesAny(artifact.flow_run_id, body.flow_runs?.id),
  );
  const sorters: Record<string, (a: Schemas['Artifact'], b: Schemas['Artifact']) => number> = {
    ID_DESC: byString((artifact) => artifact.id, -1),
    CREATED_DESC: byString((artifact) => artifact.created, -1),
    UPDATED_DESC: byString((artifact) => artifact.updated, -1),
    KEY_ASC: byString((artifact) => artifact.key, 1),
    KEY_DESC: byString((artifact) => artifact.key, -1),
  };
  return page(matching.sort(sorters[body.sort ?? 'ID_DESC']), body);
}
