/**
 * From the values a router found to values ready for a confirmation card: keep only declared
 * parameters, fill defaults (templates included), coerce and validate what was given, and list
 * what is still missing.
 */
import { resolveDefaults } from '../params/resolve-defaults';
import { isSchema } from '../params/resolve-refs';
import type { ParameterValues, ProcessDef, Requester } from '../types';
import type { EngineContext } from './engine-context';
import type { SchemaLookup } from './parameter-schemas';

export interface PreparedParameters {
  lookup: SchemaLookup;
  /** Valid values (coerced, defaults filled); invalid ones are left out. */
  values: ParameterValues;
  missing: string[];
  errors: Record<string, string>;
}

export async function prepareParameters(
  ctx: EngineContext,
  process: ProcessDef,
  given: ParameterValues,
  requester: Requester,
  channel: string,
): Promise<PreparedParameters> {
  const lookup = await ctx.schemas.forProcess(process);
  const { merged } = lookup;
  const declared = isSchema(merged.schema.properties) ? Object.keys(merged.schema.properties) : [];
  const known = declared.length === 0 ? given : pick(given, declared);
  const { values: filled, unresolved } = resolveDefaults(merged, known, { requester, channel });
  const validation = ctx.validator.validate(merged.schema, filled, { partial: true });
  const values = { ...validation.values };
  for (const name of Object.keys(validation.errors)) delete values[name];
  // A default template without a value here ({{requester.email}} for someone without one) means the
  // map author wants a value: ask for it rather than run without it.
  const missing = [...new Set([...merged.needed, ...unresolved])].filter(
    (name) => values[name] === undefined && !(name in validation.errors),
  );
  return { lookup, values, missing, errors: validation.errors };
}

function pick(values: ParameterValues, names: string[]): ParameterValues {
  const out: ParameterValues = {};
  for (const name of names) if (values[name] !== undefined) out[name] = values[name];
  return out;
}
