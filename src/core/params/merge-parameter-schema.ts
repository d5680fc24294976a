/**
 * The parameters of a process = the deployment's `parameter_openapi_schema` (the source of truth)
 * merged with the process map's fragments (descriptions, defaults, narrower constraints).
 * When Prefect cannot be asked (dry run, Prefect down) the map's fragments are used alone.
 */
import type { DeploymentInfo } from '../ports';
import type { JsonSchema, ParameterValues, ProcessDef } from '../types';
import { isSchema, resolveRefs } from './resolve-refs';
import { withoutUnsafePatterns } from './unsafe-schema-patterns';

export interface MergedParameters {
  /** `{type: 'object', properties (in argument order), required}`: refs inlined, no `position`. */
  schema: JsonSchema;
  /** Parameters the deployment or the map require, before defaults are taken into account. */
  needed: string[];
  /** Effective default per parameter: map default > deployment-level value > schema default. */
  defaults: ParameterValues;
  /** Where the property list came from. */
  source: 'prefect' | 'map';
  /** Map parameters the deployment does not declare (ignored: Prefect would reject them). */
  ignored: string[];
  /** Regexes of Prefect's schema that could backtrack catastrophically: dropped, never evaluated. */
  droppedPatterns: string[];
}

export function mergeParameterSchema(
  process: ProcessDef,
  deployment: DeploymentInfo | null,
): MergedParameters {
  const safe = deployment?.parameterSchema ? withoutUnsafePatterns(deployment.parameterSchema) : undefined;
  const fromPrefect = deploymentProperties(
    safe ? { ...deployment!, parameterSchema: safe.schema } : deployment,
  );
  const useMapOnly = fromPrefect === null || Object.keys(fromPrefect.properties).length === 0;
  const base = useMapOnly ? { properties: {}, required: [], definitions: undefined } : fromPrefect;

  const properties: Record<string, JsonSchema> = {};
  const ignored: string[] = [];
  for (const [name, prop] of Object.entries(base.properties)) {
    properties[name] = { ...prop, ...(process.parameters[name] ?? {}) };
  }
  for (const [name, fragment] of Object.entries(process.parameters)) {
    if (name in properties) continue;
    if (useMapOnly) properties[name] = { ...fragment };
    else ignored.push(name);
  }

  const defaults = effectiveDefaults(process, deployment, properties);
  for (const [name, value] of Object.entries(defaults))
    properties[name] = { ...properties[name], default: value };

  const needed = unique([...base.required, ...process.required]).filter((name) => name in properties);
  const schema: JsonSchema = {
    type: 'object',
    properties,
    required: needed.filter((name) => !(name in defaults)),
  };
  if (base.definitions) schema.definitions = base.definitions;
  return {
    schema,
    needed,
    defaults,
    source: useMapOnly && deployment === null ? 'map' : 'prefect',
    ignored,
    droppedPatterns: (safe?.dropped ?? []).map((entry) => entry.pattern),
  };
}

interface DeploymentProperties {
  properties: Record<string, JsonSchema>;
  required: string[];
  /** Kept only when a recursive `$ref` could not be inlined. */
  definitions: Record<string, JsonSchema> | undefined;
}

function deploymentProperties(deployment: DeploymentInfo | null): DeploymentProperties | null {
  const raw = deployment?.parameterSchema;
  if (!raw || !isSchema(raw.properties)) return null;
  const definitions = {
    ...(isSchema(raw.definitions) ? (raw.definitions as Record<string, JsonSchema>) : {}),
    ...(isSchema(raw.$defs) ? (raw.$defs as Record<string, JsonSchema>) : {}),
  };
  let unresolved = false;
  const entries = Object.entries(raw.properties as Record<string, unknown>)
    .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
    .map(([name, prop], index) => {
      const resolved = resolveRefs(prop, definitions);
      unresolved ||= resolved.unresolved;
      const { position, ...rest } = resolved.schema;
      return { name, prop: rest, order: typeof position === 'number' ? position : 1e6 + index };
    })
    .sort((a, b) => a.order - b.order);
  const properties: Record<string, JsonSchema> = {};
  for (const { name, prop } of entries) properties[name] = prop;
  const required = Array.isArray(raw.required) ? raw.required.filter((r) => typeof r === 'string') : [];
  return { properties, required, definitions: unresolved ? definitions : undefined };
}

function effectiveDefaults(
  process: ProcessDef,
  deployment: DeploymentInfo | null,
  properties: Record<string, JsonSchema>,
): ParameterValues {
  const defaults: ParameterValues = {};
  for (const [name, prop] of Object.entries(properties)) {
    const mapFragment = process.parameters[name];
    if (mapFragment && 'default' in mapFragment) defaults[name] = mapFragment.default;
    else if (deployment && Object.hasOwn(deployment.parameters, name))
      defaults[name] = deployment.parameters[name];
    else if ('default' in prop) defaults[name] = prop.default;
  }
  return defaults;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
