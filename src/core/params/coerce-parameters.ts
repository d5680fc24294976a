/**
 * Text from a chat (or an LLM) often carries numbers and booleans as strings ("3", "yes").
 * Coerce them where the parameter's schema says so, before validation; anything that does not
 * convert cleanly is left as it was so the validator can explain what is wrong.
 */
import type { JsonSchema, ParameterValues } from '../types';
import { isSchema } from './resolve-refs';

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0']);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

export function coerceParameters(schema: JsonSchema, values: ParameterValues): ParameterValues {
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const out: ParameterValues = {};
  for (const [name, value] of Object.entries(values)) {
    const prop = properties[name];
    out[name] = prop ? coerceValue(prop, value) : value;
  }
  return out;
}

export function coerceValue(schema: JsonSchema, value: unknown): unknown {
  const types = schemaTypes(schema);
  if (types.size === 0) return value;
  if (typeof value === 'number' && !types.has('number') && !types.has('integer') && types.has('string')) {
    return String(value);
  }
  if (typeof value !== 'string' || types.has('string')) return value;
  const text = value.trim();
  if ((types.has('integer') || types.has('number')) && NUMBER.test(text)) {
    const number = Number(text);
    if (types.has('number') || Number.isInteger(number)) return number;
  }
  if (types.has('boolean')) {
    if (TRUE_WORDS.has(text.toLowerCase())) return true;
    if (FALSE_WORDS.has(text.toLowerCase())) return false;
  }
  if (types.has('null') && ['', 'null', 'none'].includes(text.toLowerCase())) return null;
  if (types.has('array')) return coerceArray(schema, text);
  if (types.has('object') && text.startsWith('{')) return parseJson(text) ?? value;
  return value;
}

function coerceArray(schema: JsonSchema, text: string): unknown {
  if (text.startsWith('[')) return parseJson(text) ?? text;
  const items = arrayItems(schema);
  const parts = text === '' ? [] : text.split(',').map((part) => part.trim());
  return items ? parts.map((part) => coerceValue(items, part)) : parts;
}

function arrayItems(schema: JsonSchema): JsonSchema | undefined {
  if (isSchema(schema.items)) return schema.items;
  for (const key of ['anyOf', 'oneOf']) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const found = list.find((item) => isSchema(item) && isSchema(item.items));
    if (found) return (found as JsonSchema).items as JsonSchema;
  }
  return undefined;
}

/** The JSON types a schema admits, looking through anyOf/oneOf and enum values. */
export function schemaTypes(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const type = schema.type;
  if (typeof type === 'string') types.add(type);
  if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
  if (Array.isArray(schema.enum)) for (const v of schema.enum) types.add(v === null ? 'null' : typeof v);
  for (const key of ['anyOf', 'oneOf']) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) if (isSchema(item)) for (const t of schemaTypes(item)) types.add(t);
  }
  return types;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
