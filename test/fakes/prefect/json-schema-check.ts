import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { jsonschemaFailure } from './pydantic-errors';

// Prefect validates parameters and run inputs with the `jsonschema` package; ajv stands in for it.
// strict:false because Prefect's schemas carry extensions such as `position`.
const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/**
 * Validates `value` against a Prefect JSON Schema (refs under `#/definitions/`, as Prefect writes them).
 * Returns Prefect's message for the first failure ("Validation failed for field 'x'. Failure reason: …"),
 * or null when the value is valid.
 */
export function schemaFailure(schema: object, value: unknown): string | null {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(value)) return null;
  const [first] = (validate.errors ?? []) as ErrorObject[];
  return first ? jsonschemaFailure(first, value) : 'Validation failed.';
}
