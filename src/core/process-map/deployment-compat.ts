/**
 * Does a process's map fit its Prefect deployment? The deployment's parameter_openapi_schema is the
 * source of truth (SPEC §3): the map may describe and narrow its parameters, never add or widen one.
 * Used by `flowdesk validate --online`.
 */
import type { DeploymentInfo } from '../ports';
import type { JsonSchema, ProcessDef } from '../types';
import { isTemplateString } from './parameter-fragments';

/** What a schema accepts, as far as this check cares: JSON types and allowed values (null = any). */
interface Accepts {
  types: Set<string> | null;
  values: unknown[] | null;
}

const MAX_REF_DEPTH = 10;

/** Problems as messages (the caller places them on the process's line). */
export function deploymentCompatProblems(process: ProcessDef, deployment: DeploymentInfo): string[] {
  const root = deployment.parameterSchema ?? {};
  const properties = (root.properties ?? {}) as Record<string, JsonSchema>;
  const known = Object.keys(properties);
  return Object.entries(process.parameters).flatMap(([name, fragment]) => {
    const prefix = `${process.id}: parameter "${name}"`;
    const property = properties[name];
    if (!property || typeof property !== 'object') {
      const has = known.length > 0 ? `its parameters are ${known.join(', ')}` : 'it declares no parameters';
      return [`${prefix} is not a parameter of deployment "${process.deployment}" (${has})`];
    }
    const accepts = acceptsOf(property, root, 0);
    return fragmentProblems(fragment, accepts).map((problem) => `${prefix}: ${problem}`);
  });
}

function fragmentProblems(fragment: JsonSchema, accepts: Accepts): string[] {
  const problems: string[] = [];
  const mapTypes = typeList(fragment.type);
  const wider = mapTypes?.filter((type) => !typeFits(type, accepts.types)) ?? [];
  if (wider.length > 0) {
    problems.push(`type ${describeTypes(wider)} does not fit the deployment (${describeAccepts(accepts)})`);
  }
  const values = Array.isArray(fragment.enum) ? fragment.enum : 'const' in fragment ? [fragment.const] : [];
  for (const value of values) {
    if (!valueFits(value, accepts)) {
      problems.push(
        `enum value ${JSON.stringify(value)} is not accepted by the deployment (${describeAccepts(accepts)})`,
      );
    }
  }
  if ('default' in fragment) {
    const value = fragment.default;
    const fits = isTemplateString(value) ? typeFits('string', accepts.types) : valueFits(value, accepts);
    if (!fits) {
      problems.push(
        `default ${JSON.stringify(value)} is not accepted by the deployment (${describeAccepts(accepts)})`,
      );
    }
  }
  return problems;
}

/** Follows $ref (Prefect writes `#/definitions/X`), allOf, anyOf/oneOf (Optional[...]), enum and const. */
function acceptsOf(schema: JsonSchema, root: JsonSchema, depth: number): Accepts {
  if (depth > MAX_REF_DEPTH) return { types: null, values: null };
  const parts: Accepts[] = [own(schema)];
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    if (target) parts.push(acceptsOf(target, root, depth + 1));
  }
  if (Array.isArray(schema.allOf)) {
    parts.push(...(schema.allOf as JsonSchema[]).map((s) => acceptsOf(s, root, depth + 1)));
  }
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) parts.push(unionOf(union.map((s) => acceptsOf(s, root, depth + 1))));
  return parts.reduce(intersect);
}

function own(schema: JsonSchema): Accepts {
  const types = typeList(schema.type);
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : null;
  return { types: types ? new Set(types) : null, values };
}

function unionOf(members: Accepts[]): Accepts {
  const types = members.some((m) => m.types === null)
    ? null
    : new Set(members.flatMap((m) => [...(m.types ?? [])]));
  // A member like {type: null} only allows null; any other member without values allows anything of its type.
  const valueLists = members.map((m) => m.values ?? (onlyNull(m) ? [null] : null));
  const values = valueLists.every((v) => v !== null) ? valueLists.flat() : null;
  return { types, values };
}

function intersect(a: Accepts, b: Accepts): Accepts {
  const types =
    a.types && b.types ? new Set([...a.types].filter((t) => typeFits(t, b.types))) : (a.types ?? b.types);
  const values =
    a.values && b.values ? a.values.filter((v) => b.values?.some((w) => same(v, w))) : (a.values ?? b.values);
  return { types, values };
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  const match = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const table = root[match[1]] as Record<string, JsonSchema> | undefined;
  return table?.[match[2]];
}

function valueFits(value: unknown, accepts: Accepts): boolean {
  if (accepts.values) return accepts.values.some((allowed) => same(allowed, value));
  return typeFits(jsonType(value), accepts.types);
}

/** integer is a narrower number, so a map may say integer where the deployment says number. */
function typeFits(type: string, accepted: Set<string> | null): boolean {
  return accepted === null || accepted.has(type) || (type === 'integer' && accepted.has('number'));
}

function onlyNull(accepts: Accepts): boolean {
  return accepts.types !== null && accepts.types.size === 1 && accepts.types.has('null');
}

function typeList(type: unknown): string[] | null {
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return null;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeTypes(types: readonly string[]): string {
  return types.map((t) => `"${t}"`).join(' or ');
}

function describeAccepts(accepts: Accepts): string {
  if (accepts.values) return `it accepts ${accepts.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (accepts.types) return `it accepts ${describeTypes([...accepts.types])}`;
  return 'it accepts any value';
}
