/**
 * Parameter entries of a process map are JSON Schema fragments (merged later over the deployment's
 * parameter_openapi_schema), plus one flowdesk extension: `required: true`.
 * This module checks a fragment with ajv in strict mode — so a misspelt keyword or format is an error,
 * like an unknown field elsewhere in the map — and checks its default against it.
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { MAX_PATTERN_LENGTH } from '../params/is-safe-pattern';
import { findUnsafePatterns, type UnsafePattern } from '../params/unsafe-schema-patterns';
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
    // Before anything runs a pattern: the default check below would hang on `^(a+)+$`.
    const unsafe = findUnsafePatterns(schema).map((found) => unsafePatternProblem(found, schema));
    let validate: ReturnType<Ajv['compile']>;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      return [compileProblem(error), ...unsafe];
    }
    if (unsafe.length > 0) return unsafe;
    if (!('default' in schema)) return [];
    return checkDefault(schema.default, validate);
  };
}

/**
 * A pattern flowdesk will not run (it would also run on users' values at request time). The problem
 * is placed on the default when there is one — that is the value whose check it stopped — and on the
 * pattern otherwise; the label always names the schema that holds the pattern.
 */
function unsafePatternProblem(found: UnsafePattern, fragment: JsonSchema): PathProblem {
  const isKey = found.path.at(-2) === 'patternProperties';
  const holder = found.path.slice(0, isKey ? -2 : -1);
  const what = isKey ? `patternProperties name ${quote(found.pattern)}` : `pattern ${quote(found.pattern)}`;
  const hasDefault = 'default' in fragment;
  const message = `${what} ${whyUnsafe(found.reason)}${hasDefault ? ' (so the default was not checked)' : ''}`;
  return { path: hasDefault ? ['default'] : found.path, label: holder, message };
}

function whyUnsafe(reason: string): string {
  if (reason === 'nested quantifier' || reason === 'backreference') {
    return `may take exponential time (${reason}); simplify it`;
  }
  if (reason.startsWith('longer than')) {
    return `is longer than ${MAX_PATTERN_LENGTH} characters, too long to be sure it runs in bounded time; shorten it`;
  }
  return `is ${reason}`;
}

/** The pattern as JSON, cut short: a 500-character pattern would drown the message. */
function quote(pattern: string): string {
  const points = Array.from(pattern);
  return JSON.stringify(points.length > 60 ? `${points.slice(0, 59).join('')}…` : pattern);
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
