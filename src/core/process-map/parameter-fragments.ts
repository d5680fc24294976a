/**
 * Parameter entries of a process map are JSON Schema fragments (merged later over the deployment's
 * parameter_openapi_schema), plus one flowdesk extension: `required: true`.
 * This module checks a fragment with ajv in strict mode — so a misspelt keyword or format is an error,
 * like an unknown field elsewhere in the map — and checks its default against it.
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../types';

export type PathSegment = string | number;
export interface PathProblem {
  /** Path below the fragment (e.g. ['default'] or ['items', 'type']). */
  path: PathSegment[];
  message: string;
  /** The path shown before the message when it differs from where the problem is located. */
  label?: PathSegment[];
}

/** Values a parameter default may take from the request (SPEC §3). */
export const DEFAULT_TEMPLATE_VARIABLES = [
  'requester.id',
  'requester.name',
  'requester.email',
  'requester.tz',
  'channel.id',
] as const;

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type FragmentChecker = (fragment: JsonSchema) => PathProblem[];

/** Splits the flowdesk `required: true|false` extension off a fragment. Array `required` is JSON Schema. */
export function splitRequiredFlag(fragment: JsonSchema): { schema: JsonSchema; required: boolean } {
  if (typeof fragment.required !== 'boolean') return { schema: fragment, required: false };
  const { required, ...schema } = fragment;
  return { schema, required: required as boolean };
}

export function isTemplateString(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/** One ajv instance per checker: compiled schemas are cached inside it, so it lives as long as one load. */
export function createFragmentChecker(): FragmentChecker {
  const ajv = new Ajv({
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allErrors: false,
    logger: false,
    // Each validator runs once (for the default), so optimising its generated code costs more than it saves.
    code: { optimize: false },
  });
  addFormats(ajv);
  return (fragment) => {
    const { schema } = splitRequiredFlag(fragment);
    if (!ajv.validateSchema(schema)) return [metaSchemaProblem(ajv.errors ?? [])];
    let validate: ReturnType<Ajv['compile']>;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      return [compileProblem(error)];
    }
    if (!('default' in schema)) return [];
    return checkDefault(schema.default, validate);
  };
}

function checkDefault(value: unknown, validate: ReturnType<Ajv['compile']>): PathProblem[] {
  if (isTemplateString(value)) return checkTemplates(value);
  if (validate(value)) return [];
  const first = validate.errors?.[0];
  const where = first?.instancePath ? ` at ${first.instancePath}` : '';
  return [
    {
      path: ['default'],
      message: `${JSON.stringify(value)} does not fit the parameter's schema${where}: ${describeAjvError(first)}`,
    },
  ];
}

function checkTemplates(value: string): PathProblem[] {
  const allowed: readonly string[] = DEFAULT_TEMPLATE_VARIABLES;
  const unknown = [...value.matchAll(TEMPLATE)].map((m) => m[1]).filter((name) => !allowed.includes(name));
  if (unknown.length === 0) return [];
  return [
    {
      path: ['default'],
      message: `unknown template {{${unknown[0]}}} (use ${DEFAULT_TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')})`,
    },
  ];
}

function metaSchemaProblem(errors: ErrorObject[]): PathProblem {
  const first = errors[0];
  const path = (first?.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  return { path, message: `not valid JSON Schema: ${describeAjvError(first)}` };
}

function compileProblem(error: unknown): PathProblem {
  const message = error instanceof Error ? error.message : String(error);
  const keyword = /unknown keyword: "([^"]+)"/.exec(message);
  if (keyword) return { path: [keyword[1]], message: `unknown JSON Schema keyword "${keyword[1]}"` };
  const format = /unknown format "([^"]+)"/.exec(message);
  if (format)
    return { path: ['format'], message: `unknown format "${format[1]}" (e.g. email, date, date-time, uri)` };
  return { path: [], message: `not valid JSON Schema: ${message}` };
}

function describeAjvError(error: ErrorObject | undefined): string {
  if (!error) return 'invalid';
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  if (Array.isArray(allowed)) return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? 'invalid';
}
