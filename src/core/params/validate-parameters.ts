/**
 * Validates parameter values against a merged parameter schema with ajv (draft 2020-12, which
 * also accepts Prefect's draft-07-style `definitions`), and turns ajv's errors into one readable
 * message per parameter, e.g. `{ user_email: 'must be a valid e-mail address' }`.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema, ParameterValues } from '../types';
import { coerceParameters } from './coerce-parameters';

export interface ParameterValidation {
  ok: boolean;
  /** The values after coercion ("3" → 3 where the schema wants a number). */
  values: ParameterValues;
  /** Message per parameter name; empty when ok. */
  errors: Record<string, string>;
}

export interface ParameterValidator {
  /** `partial`: missing required parameters are not errors (they are asked for separately). */
  validate(schema: JsonSchema, values: ParameterValues, options?: { partial?: boolean }): ParameterValidation;
}

export function createParameterValidator(): ParameterValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new WeakMap<JsonSchema, { full: ValidateFunction; partial: ValidateFunction }>();

  const compile = (schema: JsonSchema) => {
    let entry = compiled.get(schema);
    if (!entry) {
      entry = { full: ajv.compile(schema), partial: ajv.compile({ ...schema, required: [] }) };
      compiled.set(schema, entry);
    }
    return entry;
  };

  return {
    validate(schema, values, options = {}) {
      const coerced = coerceParameters(schema, values);
      const tooLong = oversizedStrings(coerced);
      if (Object.keys(tooLong).length > 0) return { ok: false, values: coerced, errors: tooLong };
      const entry = compile(schema);
      const check = options.partial ? entry.partial : entry.full;
      if (check(coerced)) return { ok: true, values: coerced, errors: {} };
      return { ok: false, values: coerced, errors: readableErrors(check.errors ?? []) };
    },
  };
}

/**
 * Parameters are short values typed in chat; a huge string is a mistake or an attack, and patterns
 * are only safe to run on bounded text (see is-safe-pattern), so it is refused before ajv sees it.
 */
export const MAX_STRING_LENGTH = 10_000;

function oversizedStrings(values: ParameterValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (JSON.stringify(value ?? null).length > MAX_STRING_LENGTH) {
      errors[name] = `is too long (at most ${MAX_STRING_LENGTH} characters)`;
    }
  }
  return errors;
}

function readableErrors(errors: ErrorObject[]): Record<string, string> {
  const byParameter: Record<string, string> = {};
  // anyOf/oneOf summaries come after the branch errors; the first error per parameter is the useful one.
  for (const error of errors) {
    const name = parameterName(error);
    if (name === undefined || name in byParameter) continue;
    if (error.keyword === 'type' && error.params.type === 'null') continue;
    byParameter[name] = describe(error);
  }
  return byParameter;
}

function parameterName(error: ErrorObject): string | undefined {
  if (error.instancePath === '') {
    if (error.keyword === 'required') return String(error.params.missingProperty);
    if (error.keyword === 'additionalProperties') return String(error.params.additionalProperty);
    return undefined;
  }
  return decodePointer(error.instancePath.split('/')[1] ?? '');
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

const FORMAT_NAMES: Record<string, string> = {
  email: 'e-mail address',
  date: 'date (YYYY-MM-DD)',
  'date-time': 'date and time (e.g. 2025-06-13T09:00:00Z)',
  time: 'time (HH:MM:SS)',
  uri: 'URL',
  url: 'URL',
  uuid: 'UUID',
  duration: 'duration (e.g. PT5M)',
  ipv4: 'IPv4 address',
  hostname: 'host name',
};

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  boolean: 'yes or no',
  string: 'text',
  array: 'a list',
  object: 'an object',
};

function describe(error: ErrorObject): string {
  const nested = error.instancePath.split('/').length > 2 ? ` (at ${error.instancePath.slice(1)})` : '';
  switch (error.keyword) {
    case 'required':
      return error.instancePath === ''
        ? 'is required'
        : `needs ${String(error.params.missingProperty)}${nested}`;
    case 'additionalProperties':
      return error.instancePath === ''
        ? 'is not a parameter of this process'
        : `has an unknown field${nested}`;
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).map(String).join(', ')}${nested}`;
    case 'const':
      return `must be ${String(error.params.allowedValue)}${nested}`;
    case 'format':
      return `must be a valid ${FORMAT_NAMES[String(error.params.format)] ?? String(error.params.format)}${nested}`;
    case 'type': {
      const type = String(error.params.type).split(',')[0];
      return `must be ${TYPE_NAMES[type] ?? type}${nested}`;
    }
    default:
      return `${error.message ?? 'is not valid'}${nested}`;
  }
}
