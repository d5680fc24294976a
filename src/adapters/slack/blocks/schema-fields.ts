/**
 * Reads the merged parameter JSON Schema the way Prefect writes it (pydantic): `$ref` into
 * `definitions`/`$defs`, `allOf: [{$ref}]`, `anyOf: [T, {type: null}]` for optional values,
 * `position` for order. Produces one field description per parameter for the edit modal.
 */
import type { JsonSchema } from '../../../core/types';

export type FieldKind =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'multi'
  | 'lines'
  | 'json';

export interface SchemaField {
  name: string;
  kind: FieldKind;
  label: string;
  description?: string;
  required: boolean;
  enumValues?: unknown[];
  /** Allowed values too many or too long for a select (shown as a hint on a text input). */
  allowedValues?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  multiline?: boolean;
  defaultValue?: unknown;
}

const MAX_SELECT_OPTIONS = 100;
/** Option values carry the JSON of the enum value; Slack caps them at 150 characters. */
const MAX_OPTION_VALUE = 150;

/** A select needs every value to fit in an option; otherwise the field becomes a text input. */
function fitsSelect(values: unknown): values is unknown[] {
  return (
    Array.isArray(values) &&
    values.length > 0 &&
    values.length <= MAX_SELECT_OPTIONS &&
    values.every((v) => (JSON.stringify(v) ?? '').length <= MAX_OPTION_VALUE)
  );
}
const MAX_REF_DEPTH = 10;

export function schemaFields(schema: JsonSchema): SchemaField[] {
  const properties = asRecord(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const entries = Object.entries(properties).map(([name, raw]) => {
    const resolved = resolve(asRecord(raw), schema, 0);
    return { name, raw: asRecord(raw), resolved };
  });
  entries.sort((a, b) => position(a.raw) - position(b.raw) || a.name.localeCompare(b.name));
  return entries.map(({ name, resolved }) => toField(name, resolved, required.has(name)));
}

interface Resolved {
  schema: JsonSchema;
  nullable: boolean;
}

/** Follows refs and unwraps single-branch combinators, keeping the outer annotations. */
function resolve(node: JsonSchema, root: JsonSchema, depth: number): Resolved {
  if (depth > MAX_REF_DEPTH) return { schema: node, nullable: false };
  const { $ref, allOf, anyOf, oneOf, ...annotations } = node;
  if (typeof $ref === 'string') {
    const target = lookupRef($ref, root);
    const inner = resolve(target, root, depth + 1);
    return { schema: { ...inner.schema, ...annotations }, nullable: inner.nullable };
  }
  if (Array.isArray(allOf) && allOf.length === 1) {
    const inner = resolve(asRecord(allOf[0]), root, depth + 1);
    return { schema: { ...inner.schema, ...annotations }, nullable: inner.nullable };
  }
  const branches = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined;
  if (branches) {
    const nonNull = branches.map(asRecord).filter((b) => b.type !== 'null');
    const nullable = nonNull.length < branches.length;
    if (nonNull.length === 1) {
      const inner = resolve(nonNull[0], root, depth + 1);
      return { schema: { ...inner.schema, ...annotations }, nullable: nullable || inner.nullable };
    }
    return { schema: { ...annotations, anyOf: branches }, nullable };
  }
  if (Array.isArray(node.type)) {
    const types = (node.type as unknown[]).filter((t) => t !== 'null');
    const nullable = types.length < (node.type as unknown[]).length;
    return { schema: { ...node, type: types.length === 1 ? types[0] : types }, nullable };
  }
  return { schema: node, nullable: false };
}

/** The definition a local ref points at; `{}` (an unknown ref, shown as a JSON field) when there is none. */
function lookupRef(ref: string, root: JsonSchema): JsonSchema {
  const match = ref.match(/^#\/(definitions|\$defs)\/(.+)$/);
  if (!match) return {};
  const name = decodeRefName(match[2]);
  const table = asRecord(root[match[1]]);
  return name !== undefined && Object.hasOwn(table, name) ? asRecord(table[name]) : {};
}

/** A malformed `%` escape (`#/definitions/%E0%A4%A`) makes the ref unresolvable, not a URIError. */
function decodeRefName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function toField(name: string, resolved: Resolved, isRequired: boolean): SchemaField {
  const s = resolved.schema;
  const label = typeof s.title === 'string' && s.title.trim() !== '' ? s.title : name;
  const field: SchemaField = {
    name,
    kind: kindOf(s),
    label,
    required: isRequired && !resolved.nullable,
  };
  if (typeof s.description === 'string') field.description = s.description;
  if (s.default !== undefined) field.defaultValue = s.default;
  if (field.kind === 'enum') field.enumValues = s.enum as unknown[];
  if (field.kind === 'multi') field.enumValues = asRecord(s.items).enum as unknown[];
  if (field.kind !== 'enum' && Array.isArray(s.enum)) field.allowedValues = s.enum;
  if (typeof s.minimum === 'number') field.minimum = s.minimum;
  if (typeof s.maximum === 'number') field.maximum = s.maximum;
  if (typeof s.minLength === 'number') field.minLength = s.minLength;
  if (typeof s.maxLength === 'number') field.maxLength = s.maxLength;
  if (field.kind === 'string') {
    field.multiline = s.format === 'textarea' || (typeof s.maxLength === 'number' && s.maxLength > 300);
  }
  if (field.kind === 'lines' || field.kind === 'json') field.multiline = true;
  return field;
}

function kindOf(s: JsonSchema): FieldKind {
  if (fitsSelect(s.enum)) return 'enum';
  if (Array.isArray(s.enum)) return s.enum.every((v) => typeof v === 'string') ? 'string' : 'json';
  switch (s.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      if (s.format === 'date') return 'date';
      if (s.format === 'date-time') return 'datetime';
      return 'string';
    case 'array': {
      const items = asRecord(s.items);
      if (fitsSelect(items.enum)) return 'multi';
      return items.type === 'string' && !items.format ? 'lines' : 'json';
    }
    default:
      return 'json';
  }
}

function position(node: JsonSchema): number {
  return typeof node.position === 'number' ? node.position : Number.MAX_SAFE_INTEGER;
}

function asRecord(value: unknown): JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
}
