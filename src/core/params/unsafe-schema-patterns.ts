/**
 * Finds, and removes, the regular expressions of a JSON Schema that `is-safe-pattern` refuses: every
 * `pattern` keyword and every `patternProperties` name, at any depth. Used by the process-map loader
 * (which rejects them) and at request time on Prefect's schemas (which are dropped, not evaluated).
 */
import type { JsonSchema } from '../types';
import { checkPattern } from './is-safe-pattern';

export type SchemaPath = Array<string | number>;

export interface UnsafePattern {
  /** Where the regex is: ends in 'pattern', or in ['patternProperties', <the regex>]. */
  path: SchemaPath;
  pattern: string;
  /** "nested quantifier", "backreference", … (see checkPattern). */
  reason: string;
}

/** Keywords whose values are data, not schemas: a `pattern` key inside them is not a regex. */
const DATA_KEYWORDS = new Set(['default', 'const', 'enum', 'examples', 'example']);
/** Keywords whose values map names to schemas: a property called "pattern" is not a regex. */
const NAMED_SCHEMAS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
]);
/** Deeper than any real parameter schema; also stops a self-referencing YAML alias. */
const MAX_DEPTH = 64;

export function findUnsafePatterns(schema: JsonSchema): UnsafePattern[] {
  const found: UnsafePattern[] = [];
  stripNode(schema, [], found, 0);
  return found;
}

/** A copy of the schema without its unsafe regexes (the same object when it has none). */
export function withoutUnsafePatterns(schema: JsonSchema): { schema: JsonSchema; dropped: UnsafePattern[] } {
  const dropped: UnsafePattern[] = [];
  const stripped = stripNode(schema, [], dropped, 0);
  return { schema: stripped as JsonSchema, dropped };
}

function stripNode(node: unknown, path: SchemaPath, found: UnsafePattern[], depth: number): unknown {
  if (depth > MAX_DEPTH) return node;
  if (Array.isArray(node)) {
    const items = node.map((item, i) => stripNode(item, [...path, i], found, depth + 1));
    return items.some((item, i) => item !== node[i]) ? items : node;
  }
  if (!isRecord(node)) return node;
  let copy: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown) => {
    copy ??= { ...node };
    if (value === undefined) delete copy[key];
    else put(copy, key, value);
  };
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    if (key === 'pattern' && typeof value === 'string') {
      if (!judge(value, [...path, key], found)) set(key, undefined);
    } else if (NAMED_SCHEMAS.has(key) && isRecord(value)) {
      const named = stripNamed(key, value, [...path, key], found, depth);
      if (named !== value) set(key, named);
    } else {
      const stripped = stripNode(value, [...path, key], found, depth + 1);
      if (stripped !== value) set(key, stripped);
    }
  }
  return copy ?? node;
}

function stripNamed(
  keyword: string,
  table: Record<string, unknown>,
  path: SchemaPath,
  found: UnsafePattern[],
  depth: number,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [name, schema] of Object.entries(table)) {
    if (keyword === 'patternProperties' && !judge(name, [...path, name], found)) {
      copy ??= { ...table };
      delete copy[name];
      continue;
    }
    const stripped = stripNode(schema, [...path, name], found, depth + 1);
    if (stripped !== schema) {
      copy ??= { ...table };
      put(copy, name, stripped);
    }
  }
  return copy ?? table;
}

/** true when safe; otherwise records it. */
function judge(pattern: string, path: SchemaPath, found: UnsafePattern[]): boolean {
  const verdict = checkPattern(pattern);
  if (!verdict.safe) found.push({ path, pattern, reason: verdict.reason });
  return verdict.safe;
}

/** An own property even for keys like `__proto__` (Prefect parameter names are arbitrary). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
