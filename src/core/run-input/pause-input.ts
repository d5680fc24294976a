/**
 * Reads what a run paused with `pause_flow_run(wait_for_input=…)` stored next to its PAUSED state:
 * the JSON Schema of the expected input and an optional description, both saved as flow run
 * inputs whose keys `state_details.run_input_keyset` names. The keyset holds keys, not text.
 */
import { resolveRefs } from '../params/resolve-refs';
import type { PrefectPort, RunInputKeyset } from '../ports';
import type { JsonSchema } from '../types';

/** The stored input schema with its local `$ref`s inlined; undefined when it is not a schema. */
export async function readPauseSchema(
  prefect: Pick<PrefectPort, 'readRunInput'>,
  flowRunId: string,
  keyset: RunInputKeyset,
): Promise<JsonSchema | undefined> {
  const schema = asSchema(parseStored(await prefect.readRunInput(flowRunId, keyset.schema)));
  return schema ? inlineDefinitions(schema) : undefined;
}

/** The description the flow gave its pause (a JSON string), or undefined when it has none. */
export async function readPauseDescription(
  prefect: Pick<PrefectPort, 'readRunInput'>,
  flowRunId: string,
  keyset: RunInputKeyset,
): Promise<string | undefined> {
  if (!keyset.description) return undefined;
  // An absent description is normal (the flow did not give one): Prefect answers 404.
  const raw = await prefect.readRunInput(flowRunId, keyset.description).catch(() => undefined);
  const text = parseStored(raw);
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

/** Prefect stores inputs as JSON text; an adapter may already have parsed it. */
function parseStored(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonSchema)
    : undefined;
}

/**
 * Pydantic models put nested models and enums under `definitions` (or `$defs`): inlined, the form
 * and the validator see one self-contained schema. A recursive model keeps its definitions.
 */
function inlineDefinitions(schema: JsonSchema): JsonSchema {
  const definitions = { ...asSchema(schema.$defs), ...asSchema(schema.definitions) } as Record<
    string,
    JsonSchema
  >;
  if (Object.keys(definitions).length === 0) return schema;
  let resolved: JsonSchema;
  try {
    const result = resolveRefs(schema, definitions);
    if (result.unresolved) return schema;
    resolved = result.schema;
  } catch {
    // A malformed `%` escape in a ref: leave the schema as Prefect stored it.
    return schema;
  }
  const { definitions: _definitions, $defs: _defs, ...rest } = resolved;
  return rest;
}
