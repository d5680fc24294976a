/**
 * Turns zod issues into messages a map author can act on: "is required", "must be a list (got a
 * string)", "unknown field "min_aprovals" (did you mean "min_approvals"?)".
 */
import type { z } from 'zod';
import type { PathProblem, PathSegment } from './parameter-fragments';
import { SECTION_FIELDS } from './process-map-schema';

type Issue = z.core.$ZodIssue;

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

export function describeIssues(issues: readonly Issue[], data: unknown): PathProblem[] {
  return issues.flatMap((issue) => describeIssue(issue, data));
}

function describeIssue(issue: Issue, data: unknown): PathProblem[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key],
      label: path,
      message: unknownFieldMessage(key, path),
    }));
  }
  const value = valueAt(data, path);
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return [{ path, message: 'is required' }];
  }
  switch (issue.code) {
    case 'invalid_type':
      return [
        {
          path,
          message: `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${describeValue(value)})`,
        },
      ];
    case 'invalid_key':
      return [{ path, message: issue.issues[0]?.message ?? 'is not an allowed key' }];
    case 'invalid_format':
    case 'invalid_value':
      return [{ path, message: `${issue.message} (got ${describeValue(value)})` }];
    default:
      return [{ path, message: issue.message }];
  }
}

function unknownFieldMessage(key: string, path: PathSegment[]): string {
  const section = [...path].reverse().find((s) => typeof s === 'string') ?? '';
  const allowed = SECTION_FIELDS[section] ?? [];
  const suggestion = closest(key, allowed);
  if (suggestion) return `unknown field "${key}" (did you mean "${suggestion}"?)`;
  return allowed.length > 0
    ? `unknown field "${key}" (allowed: ${allowed.join(', ')})`
    : `unknown field "${key}"`;
}

/** The allowed name a typo most likely meant: same letters ignoring case/separators, or ≤ 2 edits away. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const normalise = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const exact = allowed.find((name) => normalise(name) === normalise(key));
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = editDistance(key.toLowerCase(), name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
