import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type PydanticError, toPydanticErrors } from './pydantic-errors';

/** Prefect's OpenAPI schema, shared with the codegen script (see scripts/gen-prefect-types.js). */
export const DEFAULT_OPENAPI_PATH =
  process.env.PREFECT_OPENAPI_PATH ?? path.resolve(__dirname, '../../../../shared/prefect/openapi.json');

/** Prefect's PREFECT_SERVER_API_DEFAULT_LIMIT; a larger `limit` in a filter body is a 422. */
const MAX_LIMIT = 200;

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> } }>
  >;
}

interface LoadedSchema {
  doc: OpenApiDocument;
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction | null>;
}

// Parsing 1.2 MB and compiling validators is the slow part: do it once per test process, lazily.
const loaded = new Map<string, LoadedSchema>();

function load(openapiPath: string): LoadedSchema {
  let entry = loaded.get(openapiPath);
  if (!entry) {
    if (!fs.existsSync(openapiPath)) {
      throw new Error(`Prefect OpenAPI schema not found at ${openapiPath} (set PREFECT_OPENAPI_PATH)`);
    }
    const doc = JSON.parse(fs.readFileSync(openapiPath, 'utf8')) as OpenApiDocument;
    // OpenAPI 3.1 schemas are JSON Schema 2020-12. strict:false tolerates OpenAPI's extra keywords.
    // inlineRefs:false keeps compiled code small (Prefect's filter models nest deeply).
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false });
    addFormats(ajv);
    ajv.addSchema(doc as object, 'prefect-openapi');
    entry = { doc, ajv, validators: new Map() };
    loaded.set(openapiPath, entry);
  }
  return entry;
}

/**
 * Validates request bodies the way Prefect's FastAPI app does. Prefect's action and filter models
 * forbid unknown keys (`additionalProperties: false` in the schema). The top-level `Body_*` wrappers
 * FastAPI generates for multi-field bodies do not say so; the fake rejects unknown keys there too,
 * since a misspelled top-level key silently does nothing in Prefect (a bug worth a failing test).
 */
export class OpenApiRequestValidator {
  constructor(private readonly openapiPath: string = DEFAULT_OPENAPI_PATH) {}

  /** Loads the schema now (fail fast at server start rather than on the first request). */
  preload(): void {
    load(this.openapiPath);
  }

  /**
   * `templatePath` is the OpenAPI path (e.g. `/flow_runs/{id}/set_state`); `body` is the parsed JSON,
   * or undefined when the request had none. Returns pydantic-style errors, or [] when valid.
   */
  validateBody(method: string, templatePath: string, body: unknown): PydanticError[] {
    const schema = load(this.openapiPath);
    const operation = schema.doc.paths[templatePath]?.[method.toLowerCase()];
    if (!operation)
      throw new Error(`The fake routes ${method} ${templatePath}, which openapi.json does not define`);
    const requestBody = operation.requestBody;
    if (!requestBody?.content?.['application/json']) return [];
    if (body === undefined) {
      return requestBody.required
        ? [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]
        : [];
    }
    const validate = this.validatorFor(schema, method, templatePath);
    const errors = extraTopLevelKeys(schema, requestBody.content['application/json'].schema, body);
    if (validate && !validate(body)) {
      errors.push(...toPydanticErrors((validate.errors ?? []) as ErrorObject[], 'body', body));
    }
    const limit = (body as { limit?: unknown } | null)?.limit;
    if (typeof limit === 'number' && limit > MAX_LIMIT) {
      errors.push({
        type: 'less_than_equal',
        loc: ['body', 'limit'],
        msg: `Input should be less than or equal to ${MAX_LIMIT}`,
        input: limit,
      });
    }
    return errors;
  }

  private validatorFor(schema: LoadedSchema, method: string, templatePath: string): ValidateFunction | null {
    const key = `${method.toUpperCase()} ${templatePath}`;
    if (!schema.validators.has(key)) {
      const pointer = `#/paths/${escapePointer(templatePath)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
      schema.validators.set(key, schema.ajv.compile({ $ref: `prefect-openapi${pointer}` }));
    }
    return schema.validators.get(key) ?? null;
  }
}

/**
 * Unknown top-level keys of a body whose schema does not forbid them itself (FastAPI's `Body_*`
 * wrappers). Checked here rather than with `unevaluatedProperties`, which makes ajv compile slowly.
 */
function extraTopLevelKeys(schema: LoadedSchema, bodySchema: unknown, body: unknown): PydanticError[] {
  const resolved = resolveRef(schema.doc, bodySchema);
  if (!resolved?.properties || resolved.additionalProperties !== undefined) return [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  return Object.entries(body)
    .filter(([name]) => !(name in (resolved.properties ?? {})))
    .map(([name, value]) => ({
      type: 'extra_forbidden',
      loc: ['body', name],
      msg: 'Extra inputs are not permitted',
      input: value,
    }));
}

interface ObjectSchema {
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
}

function resolveRef(doc: OpenApiDocument, node: unknown): ObjectSchema | undefined {
  const ref = (node as { $ref?: string } | undefined)?.$ref;
  if (!ref) return node as ObjectSchema | undefined;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((current, part) => (current as Record<string, unknown> | undefined)?.[part], doc);
  return target as ObjectSchema | undefined;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1').replace(/{/g, '%7B').replace(/}/g, '%7D');
}
