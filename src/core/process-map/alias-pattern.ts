/**
 * Alias patterns ("reset vpn for {user_email}"): literal words with `{parameter}` placeholders.
 * Parsed once here so the map validator and the alias matcher agree on what an alias means.
 */
import { PARAMETER_NAME_PATTERN } from './process-map-schema';

export type AliasPart = { kind: 'literal'; text: string } | { kind: 'parameter'; name: string };

export type AliasParseResult = { ok: true; parts: AliasPart[] } | { ok: false; error: string };

const PLACEHOLDER = /\{([^{}]*)\}/g;

export function parseAliasPattern(alias: string): AliasParseResult {
  if (alias.includes('{{')) {
    return {
      ok: false,
      error: 'uses "{{": an alias captures a parameter with single braces, like {user_email}',
    };
  }
  const parts: AliasPart[] = [];
  let last = 0;
  for (const match of alias.matchAll(PLACEHOLDER)) {
    const literal = alias.slice(last, match.index);
    if (literal.includes('{') || literal.includes('}')) return unbalanced();
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    const name = match[1].trim();
    if (!PARAMETER_NAME_PATTERN.test(name)) {
      return { ok: false, error: `placeholder {${match[1]}} is not a parameter name` };
    }
    parts.push({ kind: 'parameter', name });
    last = match.index + match[0].length;
  }
  const tail = alias.slice(last);
  if (tail.includes('{') || tail.includes('}')) return unbalanced();
  if (tail !== '') parts.push({ kind: 'literal', text: tail });
  return checkStructure(parts);
}

/** The parameter names an alias captures, in order. */
export function aliasParameters(parts: readonly AliasPart[]): string[] {
  return parts.flatMap((part) => (part.kind === 'parameter' ? [part.name] : []));
}

/**
 * What the alias matches regardless of placeholder names, lower-cased with spaces collapsed:
 * two processes with the same skeleton could not be told apart by an exact command.
 */
export function aliasSkeleton(parts: readonly AliasPart[]): string {
  return parts
    .map((part) => (part.kind === 'literal' ? part.text.toLowerCase() : '{}'))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function checkStructure(parts: AliasPart[]): AliasParseResult {
  if (!parts.some((part) => part.kind === 'literal' && part.text.trim() !== '')) {
    return { ok: false, error: 'needs some literal words, otherwise it would match any message' };
  }
  for (let i = 1; i < parts.length; i += 1) {
    if (parts[i].kind === 'parameter' && parts[i - 1].kind === 'parameter') {
      return { ok: false, error: 'has two placeholders in a row, so their values could not be told apart' };
    }
  }
  const names = aliasParameters(parts);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) return { ok: false, error: `uses {${repeated}} twice` };
  return { ok: true, parts };
}

function unbalanced(): AliasParseResult {
  return { ok: false, error: 'has an unbalanced "{" or "}"' };
}
