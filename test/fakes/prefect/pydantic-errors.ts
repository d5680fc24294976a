import type { ErrorObject } from 'ajv';

/** One entry of Prefect's 422 `exception_detail` (pydantic v2's error shape). */
export interface PydanticError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
}

/**
 * Turns ajv errors into pydantic-style errors. Prefect's nullable fields are `anyOf [X, null]`, so
 * ajv reports every failed branch; the "must be null" branch and the anyOf summary are noise
 * whenever a more precise error exists.
 */
export function toPydanticErrors(
  errors: ErrorObject[],
  root: 'body' | 'path',
  data: unknown,
): PydanticError[] {
  const precise = errors.filter(
    (e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'),
  );
  const chosen = precise.length > 0 ? precise : errors;
  const seen = new Set<string>();
  const result: PydanticError[] = [];
  for (const error of chosen) {
    const converted = toPydanticError(error, root, data);
    const key = `${converted.loc.join('.')}|${converted.msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(converted);
  }
  return result;
}

/** How pydantic names the formats Prefect's schemas use. */
const FORMAT_LABELS: Record<string, string> = {
  uuid: 'UUID',
  'date-time': 'datetime',
  date: 'date',
  time: 'time',
};

function toPydanticError(error: ErrorObject, root: string, data: unknown): PydanticError {
  const loc: Array<string | number> = [root, ...pointerSegments(error.instancePath)];
  const input = valueAt(data, error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra = String(error.params.additionalProperty ?? error.params.unevaluatedProperty);
      const value = (input as Record<string, unknown> | undefined)?.[extra];
      return {
        type: 'extra_forbidden',
        loc: [...loc, extra],
        msg: 'Extra inputs are not permitted',
        input: value,
      };
    }
    case 'required':
      return {
        type: 'missing',
        loc: [...loc, String(error.params.missingProperty)],
        msg: 'Field required',
        input,
      };
    case 'type':
      return {
        type: `${error.params.type}_type`,
        loc,
        msg: `Input should be a valid ${error.params.type}`,
        input,
      };
    case 'enum':
    case 'const': {
      const allowed = (error.params.allowedValues ?? [error.params.allowedValue]) as unknown[];
      const msg = `Input should be ${allowed.map((v) => `'${String(v)}'`).join(' or ')}`;
      return { type: 'enum', loc, msg, input };
    }
    case 'format': {
      const label = FORMAT_LABELS[String(error.params.format)] ?? String(error.params.format);
      return { type: `${label.toLowerCase()}_parsing`, loc, msg: `Input should be a valid ${label}`, input };
    }
    case 'maximum':
      return {
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${error.params.limit}`,
        input,
      };
    case 'minimum':
      return {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${error.params.limit}`,
        input,
      };
    default:
      return { type: error.keyword, loc, msg: error.message ?? 'Invalid value', input };
  }
}

function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const part of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * A jsonschema-style message for one ajv error, as Prefect words parameter validation failures:
 * "Validation failed for field 'x'. Failure reason: 'yes' is not of type 'boolean'".
 */
export function jsonschemaFailure(error: ErrorObject, data: unknown): string {
  const segments = pointerSegments(error.instancePath);
  const field = segments.join('.');
  const value = valueAt(data, error.instancePath);
  const where = field ? `Validation failed for field '${field}'.` : 'Validation failed.';
  return `${where} Failure reason: ${jsonschemaReason(error, value)}`;
}

function jsonschemaReason(error: ErrorObject, value: unknown): string {
  switch (error.keyword) {
    case 'required':
      return `'${error.params.missingProperty}' is a required property`;
    case 'type':
      return `${pythonRepr(value)} is not of type '${error.params.type}'`;
    case 'enum':
      return `${pythonRepr(value)} is not one of ${pythonRepr(error.params.allowedValues)}`;
    case 'format':
      return `${pythonRepr(value)} is not a '${error.params.format}'`;
    case 'additionalProperties':
      return `Additional properties are not allowed ('${error.params.additionalProperty}' was unexpected)`;
    default:
      return `${pythonRepr(value)} ${error.message ?? 'is not valid'}`;
  }
}

function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return JSON.stringify(value);
}
