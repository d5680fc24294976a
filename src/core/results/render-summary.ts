/**
 * The process map's `results.summary` template, e.g.
 * "Dashboard {{parameters.dashboard}} refreshed: {{artifacts.row_count}} rows".
 *
 * Plain substitution, no expressions and no code: `{{parameters.<name>}}` (dotted paths into
 * objects allowed), `{{artifacts.<key>}}` (see `artifactValue`), and optionally
 * `{{requester.name|id|email}}` and `{{run.name|state}}`. Anything unresolved becomes "?", so a
 * missing value is visible instead of silently producing a misleading sentence.
 *
 * The result is plain text (not escaped): the Slack renderer escapes it for mrkdwn.
 */
import type { RunArtifact } from '../ports';
import { artifactValue, findByKey } from './artifact-values';

export interface SummaryContext {
  parameters: Record<string, unknown>;
  artifacts: readonly RunArtifact[];
  requester?: { id?: string; name?: string; email?: string };
  run?: { name?: string; state?: string };
}

export interface SummaryOptions {
  /** Longest output (default 500 characters). */
  maxLength?: number;
  /** Longest single substituted value (default 200 characters). */
  maxValueLength?: number;
}

export const UNRESOLVED = '?';
const MAX_TEMPLATE = 2000;
const PLACEHOLDER = /\{\{\s*([a-zA-Z]+)\.([A-Za-z0-9_.-]{1,100})\s*\}\}/g;

export function renderSummary(
  template: string,
  context: SummaryContext,
  options: SummaryOptions = {},
): string {
  const maxLength = options.maxLength ?? 500;
  const maxValue = options.maxValueLength ?? 200;
  const source = String(template ?? '').slice(0, MAX_TEMPLATE);
  const rendered = source.replace(PLACEHOLDER, (_match, scope: string, path: string) =>
    clip(oneLine(resolve(scope, path, context)), maxValue),
  );
  return clip(rendered.trim(), maxLength);
}

function resolve(scope: string, path: string, context: SummaryContext): string {
  switch (scope) {
    case 'parameters':
      return stringify(lookup(context.parameters, path));
    case 'artifacts': {
      const artifact = findByKey(context.artifacts, path);
      return artifact ? artifactValue(artifact) : UNRESOLVED;
    }
    case 'requester':
      return stringify(pick(context.requester, path, ['id', 'name', 'email']));
    case 'run':
      return stringify(pick(context.run, path, ['name', 'state']));
    default:
      return UNRESOLVED;
  }
}

/** The whole name first (`a.b` may be a real key), then a dotted path. Own properties only. */
function lookup(values: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(values, path)) return values[path];
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function pick(source: object | undefined, key: string, allowed: string[]): unknown {
  if (!source || !allowed.includes(key)) return undefined;
  return (source as Record<string, unknown>)[key];
}

function stringify(value: unknown): string {
  if (value === undefined || value === null || value === '') return UNRESOLVED;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? UNRESOLVED;
  } catch {
    return UNRESOLVED;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
