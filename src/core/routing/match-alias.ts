/**
 * Aliases are exact commands: "reset vpn for {user_email}" matches "Reset VPN for ann@example.com."
 * (case-insensitive, any run of whitespace, one trailing period/!), and its captures become
 * parameters, without any model. The alias syntax is parsed by the process-map module, so the map
 * validator and this matcher agree on what an alias means.
 * A capture must fit its parameter (an enum value, an e-mail address), otherwise the alias does not
 * match: "restart search in staging tomorrow at 9" is not the command "restart {service} in
 * {environment}" with environment "staging tomorrow at 9", it is a request for the router to read.
 * When several aliases match, the one with the most literal text (the most specific) wins.
 */
import { parseAliasPattern } from '../process-map/alias-pattern';
import type { JsonSchema, ParameterValues, ProcessDef } from '../types';
import { findEnumMentions } from './find-enum-values';
import { enumOf, isEmailParameter } from './schema-shape';

export interface AliasMatch {
  process: ProcessDef;
  parameters: ParameterValues;
}

interface CompiledAlias {
  regex: RegExp;
  names: string[];
  literalLength: number;
}

const compiled = new Map<string, CompiledAlias | null>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(alias: string): CompiledAlias | null {
  if (compiled.has(alias)) return compiled.get(alias) ?? null;
  const parsed = parseAliasPattern(alias);
  let result: CompiledAlias | null = null;
  if (parsed.ok) {
    const names: string[] = [];
    let literalLength = 0;
    const source = parsed.parts
      .map((part) => {
        if (part.kind === 'parameter') {
          names.push(part.name);
          return '(\\S(?:.*\\S)?)';
        }
        const words = part.text.trim().split(/\s+/).filter(Boolean);
        literalLength += words.join(' ').length;
        const body = words.map(escapeRegExp).join('\\s+');
        // Whitespace around the literal is flexible, but a word must not run into a capture.
        const lead = /^\s/.test(part.text) ? '\\s+' : '';
        const trail = /\s$/.test(part.text) ? '\\s+' : '';
        return body === '' ? '\\s+' : `${lead}${body}${trail}`;
      })
      .join('');
    result = { regex: new RegExp(`^${source}$`, 'iu'), names, literalLength };
  }
  compiled.set(alias, result);
  return result;
}

/** Slack writes e-mail addresses as <mailto:ann@example.com|ann@example.com>. */
function cleanCapture(value: string): string {
  const mailto = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i.exec(value);
  return (mailto ? mailto[1] : value).trim();
}

const EMAIL = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$/u;

/**
 * The value a capture gives its parameter, or undefined when it cannot be one: an enum capture must
 * name a value of the enum (spelled any usual way: "Prod" → "production"), an e-mail capture must be
 * an address. Anything else is taken as typed; validation has the last word.
 */
function captureValue(name: string, value: string, schema: JsonSchema | undefined): unknown {
  if (!schema) return value;
  const values = enumOf(schema);
  if (values) {
    if (values.includes(value)) return value;
    const whole = findEnumMentions(value, values).find(
      (mention) => mention.index === 0 && mention.length === value.length && !mention.negated,
    );
    return whole?.value;
  }
  if (isEmailParameter(name, schema)) return EMAIL.test(value) ? value.toLowerCase() : undefined;
  return value;
}

function propertySchema(
  process: ProcessDef,
  name: string,
  schemas?: ReadonlyMap<string, JsonSchema>,
): JsonSchema | undefined {
  const merged = schemas?.get(process.id)?.properties as Record<string, JsonSchema> | undefined;
  return merged?.[name] ?? process.parameters[name];
}

export function matchAlias(
  text: string,
  processes: readonly ProcessDef[],
  schemas?: ReadonlyMap<string, JsonSchema>,
): AliasMatch | null {
  const message = text.trim().replace(/\s*[.!]$/, '');
  if (message === '') return null;
  let best: { match: AliasMatch; literalLength: number } | null = null;
  for (const process of processes) {
    for (const alias of process.aliases) {
      const pattern = compile(alias);
      const found = pattern?.regex.exec(message);
      if (!pattern || !found) continue;
      if (best && best.literalLength >= pattern.literalLength) continue;
      const parameters: ParameterValues = {};
      const fits = pattern.names.every((name, i) => {
        parameters[name] = captureValue(
          name,
          cleanCapture(found[i + 1]),
          propertySchema(process, name, schemas),
        );
        return parameters[name] !== undefined;
      });
      if (fits) best = { match: { process, parameters }, literalLength: pattern.literalLength };
    }
  }
  return best?.match ?? null;
}
