/**
 * Inlines the local `#/definitions/*` (and `#/$defs/*`) references Prefect puts in
 * `parameter_openapi_schema` (pydantic enums and models), so forms, LLM tool schemas and the
 * validator all see self-contained parameter schemas. Sibling keys of a `$ref` (pydantic writes
 * `default`, `description`, `title` next to it) win over the definition's own keys.
 */
import type { JsonSchema } from '../types';

const REF_PREFIXES = ['#/definitions/', '#/$defs/'];
const NESTED_SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const NESTED_SCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else'];

export interface ResolvedRefs {
  schema: JsonSchema;
  /** true when a recursive reference had to be left in place (then `definitions` must be kept). */
  unresolved: boolean;
}

export function resolveRefs(schema: JsonSchema, definitions: Record<string, JsonSchema>): ResolvedRefs {
  const state = { unresolved: false };
  return { schema: resolveNode(schema, definitions, new Set(), state), unresolved: state.unresolved };
}

function resolveNode(
  node: JsonSchema,
  definitions: Record<string, JsonSchema>,
  seen: Set<string>,
  state: { unresolved: boolean },
): JsonSchema {
  const ref = typeof node.$ref === 'string' ? refName(node.$ref) : undefined;
  if (ref !== undefined) {
    const target = definitions[ref];
    if (!target || seen.has(ref)) {
      state.unresolved = true;
      return node;
    }
    const { $ref: _ignored, ...siblings } = node;
    const inner = resolveNode(target, definitions, new Set([...seen, ref]), state);
    return { ...inner, ...resolveChildren(siblings, definitions, seen, state) };
  }
  return resolveChildren(node, definitions, seen, state);
}

function resolveChildren(
  node: JsonSchema,
  definitions: Record<string, JsonSchema>,
  seen: Set<string>,
  state: { unresolved: boolean },
): JsonSchema {
  const out: JsonSchema = { ...node };
  for (const key of NESTED_SCHEMA_LISTS) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map((item) => resolveMaybe(item, definitions, seen, state));
  }
  for (const key of NESTED_SCHEMAS) {
    if (isSchema(out[key])) out[key] = resolveNode(out[key] as JsonSchema, definitions, seen, state);
  }
  if (isSchema(out.properties)) {
    const properties: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(out.properties as Record<string, unknown>)) {
      properties[name] = resolveMaybe(value, definitions, seen, state);
    }
    out.properties = properties;
  }
  return out;
}

function resolveMaybe(
  value: unknown,
  definitions: Record<string, JsonSchema>,
  seen: Set<string>,
  state: { unresolved: boolean },
): unknown {
  return isSchema(value) ? resolveNode(value, definitions, seen, state) : value;
}

function refName(ref: string): string | undefined {
  const prefix = REF_PREFIXES.find((p) => ref.startsWith(p));
  return prefix === undefined ? undefined : decodeURIComponent(ref.slice(prefix.length));
}

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
