/**
 * Converts a Prefect `parameter_openapi_schema` (pydantic v2 output with `#/definitions` refs, `position`,
 * `title`, `default`, `anyOf` with null, free-form dicts, untyped parameters) into a JSON Schema that OpenAI's
 * strict function calling accepts: every object closed (`additionalProperties: false`) with all of its
 * properties required, optional properties nullable, refs inlined, and only keywords of the strict subset.
 *
 * Nothing here is lossy for safety: the engine validates the model's arguments against the *original* merged
 * schema. Constraints strict mode cannot express (defaults, string lengths, other formats) become description
 * text so the model still sees them.
 */
import type { JsonSchema } from '../../core/types';

import { STRICT_STRING_FORMATS } from './strict-schema-check';

export { isStrictCompatible, STRICT_STRING_FORMATS } from './strict-schema-check';

/** Object nesting strict mode accepts. */
export const MAX_STRICT_NESTING = 10;

const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const ARRAY_KEYWORDS = ['minItems', 'maxItems'];

const nullSchema = (): JsonSchema => ({ type: 'null' });
/** What an untyped Prefect parameter (`def f(x)`) becomes: any scalar the model can write. */
const anyScalar = (): JsonSchema => ({
  anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
});

export interface StrictSchemaOptions {
  /**
   * Also make *required* properties nullable, so the model can say "the user has not given this" with null
   * instead of inventing a value (the engine then asks for it). Their descriptions start with "Required.".
   */
  nullableRequired?: boolean;
}

export interface StrictSchemaReport {
  schema: JsonSchema;
  /** Paths of properties strict mode cannot express (free-form dicts, tuples, cycles, too deep): left out. */
  dropped: string[];
}

interface Context {
  definitions: Record<string, unknown>;
  /** Definition names being expanded on the current path: a ref back to one of them is a cycle. */
  resolving: ReadonlySet<string>;
  depth: number;
  path: string;
  options: StrictSchemaOptions;
  dropped: string[];
}

export function toStrictFunctionSchema(schema: JsonSchema, options: StrictSchemaOptions = {}): JsonSchema {
  return toStrictFunctionSchemaWithReport(schema, options).schema;
}

export function toStrictFunctionSchemaWithReport(
  schema: JsonSchema | null | undefined,
  options: StrictSchemaOptions = {},
): StrictSchemaReport {
  const source = isRecord(schema) ? schema : {};
  const context: Context = {
    definitions: { ...asRecord(source.definitions), ...asRecord(source.$defs) },
    resolving: new Set(),
    depth: 1,
    path: '#',
    options,
    dropped: [],
  };
  const root = expand(source, context);
  const converted = root && isRecord(root.node.properties) ? convertObject(root.node, root.context) : null;
  return { schema: converted ?? emptyObject(), dropped: context.dropped };
}

// ---------------------------------------------------------------- expansion ($ref, allOf, oneOf)

interface Expanded {
  node: JsonSchema;
  context: Context;
}

/** Inlines `$ref` (keeping sibling keys, which win) and `allOf`, and reads `oneOf` as `anyOf`. */
function expand(raw: unknown, context: Context): Expanded | null {
  if (!isRecord(raw)) return null;
  let node: JsonSchema = raw;
  let current = context;
  while (typeof node.$ref === 'string') {
    const name = definitionName(node.$ref);
    if (name === null || !isRecord(current.definitions[name]) || current.resolving.has(name)) return null;
    const { $ref: _ref, ...siblings } = node;
    node = { ...(current.definitions[name] as JsonSchema), ...siblings };
    current = { ...current, resolving: new Set([...current.resolving, name]) };
  }
  if (Array.isArray(node.allOf)) {
    const merged = mergeAllOf(node.allOf, current);
    if (merged === null) return null;
    const { allOf: _allOf, ...siblings } = node;
    node = { ...merged, ...siblings };
  }
  if (Array.isArray(node.oneOf) && node.anyOf === undefined) {
    const { oneOf, ...rest } = node;
    node = { ...rest, anyOf: oneOf };
  }
  return { node, context: current };
}

function mergeAllOf(branches: unknown[], context: Context): JsonSchema | null {
  const merged: JsonSchema = {};
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const branch of branches) {
    const expanded = expand(branch, context);
    if (expanded === null) return null;
    const { properties: own, required: ownRequired, ...rest } = expanded.node;
    Object.assign(properties, asRecord(own));
    for (const key of asStringArray(ownRequired)) required.add(key);
    for (const [key, value] of Object.entries(rest)) if (!(key in merged)) merged[key] = value;
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function definitionName(ref: string): string | null {
  const match = /^#\/(?:definitions|\$defs)\/(.+)$/.exec(ref);
  return match ? decodeURIComponent(match[1]).replace(/~1/g, '/').replace(/~0/g, '~') : null;
}

// ---------------------------------------------------------------- conversion

function convertNode(raw: unknown, context: Context): JsonSchema | null {
  const expanded = expand(raw, context);
  if (expanded === null) return null;
  const { node, context: inner } = expanded;
  const converted = convertShape(node, inner);
  if (converted === null) return null;
  const description = describe(node, converted);
  return description ? { ...converted, description } : converted;
}

function convertShape(node: JsonSchema, context: Context): JsonSchema | null {
  if (Array.isArray(node.anyOf)) return convertUnion(node.anyOf, context);
  if (Array.isArray(node.enum) || 'const' in node) return convertEnum(node);
  const types = typeList(node.type);
  if (types.length > 0) return convertTypes(node, types, context);
  if (isRecord(node.properties)) return convertTyped(node, 'object', context);
  if (node.items !== undefined) return convertTyped(node, 'array', context);
  return anyScalar();
}

function convertTypes(node: JsonSchema, types: string[], context: Context): JsonSchema | null {
  const nonNull = types.filter((type) => type !== 'null');
  if (nonNull.length === 0) return nullSchema();
  const branches = nonNull.map((type) => convertTyped(node, type, context)).filter(isRecord);
  if (branches.length === 0) return null;
  const base = branches.length === 1 ? branches[0] : { anyOf: branches };
  return types.includes('null') ? makeNullable(base) : base;
}

function convertTyped(node: JsonSchema, type: string, context: Context): JsonSchema | null {
  switch (type) {
    case 'string':
      return convertString(node);
    case 'integer':
    case 'number':
      return { type, ...pick(node, NUMBER_KEYWORDS, (value) => typeof value === 'number') };
    case 'boolean':
      return { type };
    case 'array':
      return convertArray(node, context);
    case 'object':
      return convertObject(node, context);
    default:
      return null;
  }
}

function convertString(node: JsonSchema): JsonSchema {
  const schema: JsonSchema = { type: 'string' };
  if (typeof node.pattern === 'string' && isValidRegExp(node.pattern)) schema.pattern = node.pattern;
  if (typeof node.format === 'string' && STRICT_STRING_FORMATS.has(node.format)) schema.format = node.format;
  return schema;
}

function convertArray(node: JsonSchema, context: Context): JsonSchema | null {
  // Tuples (`prefixItems`, array-form `items`) have no strict-mode equivalent.
  if (Array.isArray(node.items) || node.prefixItems !== undefined) return null;
  const inner = deeper(context, 'items');
  if (inner === null) return null;
  const items =
    node.items === undefined || node.items === true ? anyScalar() : convertNode(node.items, inner);
  if (items === null) return null;
  return { type: 'array', items, ...pick(node, ARRAY_KEYWORDS, (value) => Number.isInteger(value)) };
}

function convertObject(node: JsonSchema, context: Context): JsonSchema | null {
  const declared = asRecord(node.properties);
  // A dict (`additionalProperties` open, no declared properties) cannot be closed without losing its meaning.
  if (Object.keys(declared).length === 0 && node.additionalProperties !== false) return null;
  const required = new Set(asStringArray(node.required));
  const properties: Record<string, JsonSchema> = {};
  for (const [key, raw] of sortByPosition(declared)) {
    const inner = deeper(context, `properties/${key}`);
    const converted = inner === null ? null : convertNode(raw, inner);
    if (converted === null) {
      context.dropped.push(`${context.path}/properties/${key}`);
      continue;
    }
    properties[key] = finishProperty(converted, required.has(key), context.options);
  }
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function finishProperty(schema: JsonSchema, required: boolean, options: StrictSchemaOptions): JsonSchema {
  if (!required) return makeNullable(schema);
  if (!options.nullableRequired) return schema;
  const description =
    typeof schema.description === 'string' ? `Required. ${schema.description}` : 'Required.';
  return makeNullable({ ...schema, description });
}

function convertUnion(branches: unknown[], context: Context): JsonSchema | null {
  const converted = branches.map((branch) => convertNode(branch, context)).filter(isRecord);
  const nullable = converted.some(acceptsNull);
  const options = converted.flatMap((branch) => withoutNull(branch));
  if (options.length === 0) return nullable ? nullSchema() : null;
  const base = options.length === 1 ? options[0] : { anyOf: options };
  return nullable ? makeNullable(base) : base;
}

function convertEnum(node: JsonSchema): JsonSchema | null {
  const values = Array.isArray(node.enum) ? node.enum : [node.const];
  if (values.some((value) => value !== null && typeof value === 'object')) return null;
  const nonNull = values.filter((value) => value !== null);
  if (nonNull.length === 0) return nullSchema();
  const declared = typeList(node.type).filter((type) => type !== 'null');
  const types = declared.length > 0 ? declared : inferTypes(nonNull);
  const base: JsonSchema = { type: types.length === 1 ? types[0] : types, enum: nonNull };
  return nonNull.length < values.length ? makeNullable(base) : base;
}

// ---------------------------------------------------------------- nullability

/** `T` → `T | null`: `type: [T, "null"]` for plain scalars and arrays, an `anyOf` with null otherwise. */
export function makeNullable(schema: JsonSchema): JsonSchema {
  if (acceptsNull(schema)) return schema;
  const { description, ...rest } = schema;
  if (typeof rest.type === 'string' && rest.type !== 'object' && rest.enum === undefined) {
    return { ...schema, type: [rest.type, 'null'] };
  }
  const onlyUnion = Array.isArray(rest.anyOf) && Object.keys(rest).length === 1;
  const branches = onlyUnion ? [...(rest.anyOf as JsonSchema[]), nullSchema()] : [rest, nullSchema()];
  return description === undefined ? { anyOf: branches } : { anyOf: branches, description };
}

function acceptsNull(schema: JsonSchema): boolean {
  if (typeList(schema.type).includes('null')) return true;
  return (
    Array.isArray(schema.anyOf) && schema.anyOf.some((branch) => isRecord(branch) && acceptsNull(branch))
  );
}

/** The non-null alternatives of a converted branch (flattening a nested description-less union). */
function withoutNull(schema: JsonSchema): JsonSchema[] {
  if (schema.type === 'null') return [];
  if (Array.isArray(schema.anyOf) && schema.description === undefined) {
    return schema.anyOf.filter(isRecord).flatMap(withoutNull);
  }
  const types = typeList(schema.type);
  if (types.includes('null')) {
    const rest = types.filter((type) => type !== 'null');
    return [{ ...schema, type: rest.length === 1 ? rest[0] : rest }];
  }
  return [schema];
}

// ---------------------------------------------------------------- descriptions

/** The node's description plus what strict mode cannot express, as text the model reads. */
function describe(node: JsonSchema, converted: JsonSchema): string {
  const hints: string[] = [];
  if (typeof node.minLength === 'number') hints.push(`at least ${node.minLength} characters`);
  if (typeof node.maxLength === 'number') hints.push(`at most ${node.maxLength} characters`);
  if (typeof node.format === 'string' && converted.format === undefined) hints.push(`format: ${node.format}`);
  if (isUntyped(node)) hints.push('any value');
  const hint = defaultHint(node.default);
  if (hint) hints.push(hint);
  const text = typeof node.description === 'string' ? node.description.trim() : '';
  if (hints.length === 0) return text;
  // Parenthesised so a default never reads as the end of a sentence ("default: us-east-1.").
  return text ? `${text} (${hints.join('; ')})` : hints.join('; ');
}

function defaultHint(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.includes('{{')) return 'filled in automatically when not given';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `default: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

// ---------------------------------------------------------------- helpers

function deeper(context: Context, segment: string): Context | null {
  if (context.depth >= MAX_STRICT_NESTING) return null;
  return { ...context, depth: context.depth + 1, path: `${context.path}/${segment}` };
}

function sortByPosition(properties: Record<string, unknown>): Array<[string, unknown]> {
  const position = (value: unknown) =>
    isRecord(value) && typeof value.position === 'number' ? value.position : Number.MAX_SAFE_INTEGER;
  return Object.entries(properties).sort(([, a], [, b]) => position(a) - position(b));
}

function isUntyped(node: JsonSchema): boolean {
  const shaping = ['anyOf', 'enum', 'const', 'type', 'properties', 'items'];
  return shaping.every((keyword) => node[keyword] === undefined);
}

function inferTypes(values: unknown[]): string[] {
  const types = new Set(
    values.map((value) =>
      typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value,
    ),
  );
  if (types.has('number')) types.delete('integer');
  return [...types];
}

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((entry): entry is string => typeof entry === 'string') : [];
}

function pick(node: JsonSchema, keys: string[], keep: (value: unknown) => boolean): JsonSchema {
  return Object.fromEntries(keys.filter((key) => keep(node[key])).map((key) => [key, node[key]]));
}

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function emptyObject(): JsonSchema {
  return { type: 'object', properties: {}, required: [], additionalProperties: false };
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}
