/**
 * Checks a function's `parameters` against the JSON Schema subset OpenAI's strict mode accepts
 * (Structured Outputs, "Supported schemas"): root an object (not a union); every object closed with
 * `additionalProperties: false` and all of its properties in `required`; every schema typed; only the
 * supported keywords and string formats; at most 10 levels of object nesting, 5000 properties and
 * 1000 enum values. Returns the violations, each prefixed with its JSON pointer; empty = compatible.
 * Used by tests (every generated tool) and by the fake OpenAI server, which rejects like the real API.
 */
import type { JsonSchema } from '../../core/types';

/** String formats strict mode accepts. */
export const STRICT_STRING_FORMATS: ReadonlySet<string> = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const KEYWORDS = new Set([
  'type',
  'description',
  'title',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
]);
const LIMITS = { nesting: 10, properties: 5000, enumValues: 1000 };

interface Walk {
  root: JsonSchema;
  violations: string[];
  properties: number;
  enumValues: number;
}

export function isStrictCompatible(schema: unknown): string[] {
  if (!isRecord(schema)) return ['#: the parameters schema must be an object'];
  const walk: Walk = { root: schema, violations: [], properties: 0, enumValues: 0 };
  if (schema.type !== 'object') walk.violations.push('#: the root must have type "object"');
  if (schema.anyOf !== undefined) walk.violations.push('#: the root must not be an anyOf');
  checkNode(schema, '#', 1, walk);
  for (const [name, definition] of Object.entries(asRecord(schema.$defs))) {
    checkNode(definition, `#/$defs/${name}`, 1, walk);
  }
  if (walk.properties > LIMITS.properties) {
    walk.violations.push(`#: ${walk.properties} properties in total (at most ${LIMITS.properties})`);
  }
  if (walk.enumValues > LIMITS.enumValues) {
    walk.violations.push(`#: ${walk.enumValues} enum values in total (at most ${LIMITS.enumValues})`);
  }
  return walk.violations;
}

function checkNode(node: unknown, path: string, nesting: number, walk: Walk): void {
  if (!isRecord(node)) {
    walk.violations.push(`${path}: a schema must be an object`);
    return;
  }
  for (const keyword of Object.keys(node)) {
    if (!KEYWORDS.has(keyword)) walk.violations.push(`${path}: keyword "${keyword}" is not supported`);
  }
  if (!['type', 'enum', 'const', 'anyOf', '$ref'].some((keyword) => node[keyword] !== undefined)) {
    walk.violations.push(`${path}: has no type`);
  }
  const types = checkTypes(node, path, walk);
  if (types.includes('object')) checkObject(node, path, nesting, walk);
  if (types.includes('array')) checkNode(node.items, `${path}/items`, nesting, walk);
  checkFormat(node, path, walk);
  checkEnum(node, types, path, walk);
  checkUnion(node, path, nesting, walk);
  checkRef(node, path, walk);
}

function checkTypes(node: JsonSchema, path: string, walk: Walk): string[] {
  if (node.type === undefined) return [];
  const types = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type : [];
  if (types.length === 0 || types.some((type) => typeof type !== 'string' || !TYPES.has(type))) {
    walk.violations.push(`${path}: invalid type ${JSON.stringify(node.type)}`);
  }
  return types.filter((type): type is string => typeof type === 'string');
}

function checkObject(node: JsonSchema, path: string, nesting: number, walk: Walk): void {
  if (nesting > LIMITS.nesting) walk.violations.push(`${path}: nested deeper than ${LIMITS.nesting} levels`);
  if (node.additionalProperties !== false) {
    walk.violations.push(`${path}: objects must set additionalProperties: false`);
  }
  if (!isRecord(node.properties)) {
    walk.violations.push(`${path}: objects must declare properties`);
    return;
  }
  const keys = Object.keys(node.properties);
  const required = Array.isArray(node.required) ? node.required : [];
  for (const key of keys) {
    if (!required.includes(key)) walk.violations.push(`${path}: property "${key}" must be in required`);
    checkNode(node.properties[key], `${path}/properties/${key}`, nesting + 1, walk);
  }
  for (const key of required) {
    if (typeof key !== 'string' || !keys.includes(key)) {
      walk.violations.push(`${path}: required lists undeclared property ${JSON.stringify(key)}`);
    }
  }
  walk.properties += keys.length;
}

function checkFormat(node: JsonSchema, path: string, walk: Walk): void {
  if (node.format !== undefined && !STRICT_STRING_FORMATS.has(String(node.format))) {
    walk.violations.push(`${path}: format ${JSON.stringify(node.format)} is not supported`);
  }
  if (node.pattern !== undefined && typeof node.pattern !== 'string') {
    walk.violations.push(`${path}: pattern must be a string`);
  }
}

function checkEnum(node: JsonSchema, types: string[], path: string, walk: Walk): void {
  if (node.enum === undefined) return;
  if (!Array.isArray(node.enum) || node.enum.length === 0) {
    walk.violations.push(`${path}: enum must be a non-empty array`);
    return;
  }
  walk.enumValues += node.enum.length;
  for (const value of node.enum) {
    const kind = value === null ? 'null' : typeof value;
    const fits =
      types.length === 0 ||
      types.includes(kind) ||
      (kind === 'number' && types.includes('integer') && Number.isInteger(value));
    if (!['null', 'string', 'number', 'boolean'].includes(kind) || !fits) {
      walk.violations.push(
        `${path}: enum value ${JSON.stringify(value)} does not fit type ${types.join('|')}`,
      );
    }
  }
}

function checkUnion(node: JsonSchema, path: string, nesting: number, walk: Walk): void {
  if (node.anyOf === undefined) return;
  if (!Array.isArray(node.anyOf) || node.anyOf.length === 0) {
    walk.violations.push(`${path}: anyOf must be a non-empty array`);
    return;
  }
  node.anyOf.forEach((branch, index) => {
    checkNode(branch, `${path}/anyOf/${index}`, nesting, walk);
  });
}

function checkRef(node: JsonSchema, path: string, walk: Walk): void {
  if (node.$ref === undefined) return;
  const ref = String(node.$ref);
  const match = /^#\/\$defs\/(.+)$/.exec(ref);
  const resolves = ref === '#' || (match !== null && isRecord(asRecord(walk.root.$defs)[match[1]]));
  if (!resolves) walk.violations.push(`${path}: $ref ${JSON.stringify(ref)} does not resolve within $defs`);
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
