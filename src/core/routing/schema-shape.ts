/**
 * Reading just enough of a parameter's JSON Schema to know what kind of value to look for in a
 * message. Tolerates the shapes Prefect produces (pydantic: `enum`, `allOf: [{enum}]`,
 * `anyOf: [{...}, {type: null}]`, arrays with `items`).
 */
import type { JsonSchema } from '../types';

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's properties, or the process map's fragments when the schema has none. */
export function propertiesOf(
  schema: JsonSchema,
  fallback: Record<string, JsonSchema>,
): [string, JsonSchema][] {
  const properties = isObject(schema.properties) ? schema.properties : fallback;
  return Object.entries(properties).filter((entry): entry is [string, JsonSchema] => isObject(entry[1]));
}

/** The schema and its `allOf` / `anyOf` / `oneOf` branches, flattened one level deep. */
function branches(schema: JsonSchema): JsonSchema[] {
  const out = [schema];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) out.push(...list.filter(isObject));
  }
  return out;
}

export function typesOf(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  for (const branch of branches(schema)) {
    const type = branch.type;
    if (typeof type === 'string') types.add(type);
    if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
    if (branch.enum !== undefined && branch.type === undefined) {
      for (const value of branch.enum as unknown[])
        types.add(typeof value === 'number' ? 'number' : 'string');
    }
  }
  return types;
}

export function isArray(schema: JsonSchema): boolean {
  return typesOf(schema).has('array');
}

/** The items schema of an array parameter (the schema itself otherwise). */
export function itemSchema(schema: JsonSchema): JsonSchema {
  for (const branch of branches(schema)) if (isObject(branch.items)) return branch.items;
  return schema;
}

/** Allowed values (`enum`, `const`), from the schema or the items of an array schema. */
export function enumOf(schema: JsonSchema): unknown[] | null {
  const values: unknown[] = [];
  for (const branch of branches(itemSchema(schema))) {
    if (Array.isArray(branch.enum)) values.push(...branch.enum);
    if (branch.const !== undefined) values.push(branch.const);
  }
  return values.length > 0 ? values : null;
}

export function formatOf(schema: JsonSchema): string | undefined {
  for (const branch of branches(itemSchema(schema))) {
    if (typeof branch.format === 'string') return branch.format;
  }
  return undefined;
}

export function patternOf(schema: JsonSchema): RegExp | null {
  for (const branch of branches(schema)) {
    if (typeof branch.pattern !== 'string') continue;
    for (const flags of ['u', '']) {
      try {
        return new RegExp(branch.pattern, flags);
      } catch {
        // JSON Schema patterns are usually valid in unicode mode; some ("\-") only without it.
      }
    }
    return null; // an invalid pattern is the validator's to report
  }
  return null;
}

/** Lower-case parts of a parameter name: "start_date" → ["start", "date"], "userEmail" → ["user", "email"]. */
export function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part !== '');
}

export function isEmailParameter(name: string, schema: JsonSchema): boolean {
  if (formatOf(schema) === 'email') return true;
  const types = typesOf(itemSchema(schema));
  return nameParts(name).includes('email') && (types.size === 0 || types.has('string'));
}

export function isDateParameter(name: string, schema: JsonSchema): boolean {
  const format = formatOf(schema);
  if (format === 'date' || format === 'date-time') return true;
  return format === undefined && typesOf(schema).has('string') && nameParts(name).includes('date');
}

export function isNumberParameter(schema: JsonSchema): boolean {
  const types = typesOf(itemSchema(schema));
  return types.has('integer') || types.has('number');
}

/** A string with no enum, format or pattern: any text may be its value. */
export function isFreeString(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  return (
    (types.size === 0 || types.has('string')) &&
    !types.has('array') &&
    enumOf(schema) === null &&
    formatOf(schema) === undefined &&
    patternOf(schema) === null
  );
}
