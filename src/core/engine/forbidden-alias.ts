/**
 * Routers only ever see the processes a requester may use, so an exact alias of a process they
 * may NOT use would just look "out of scope". This check lets the engine answer `denied`
 * instead — without naming the process.
 */
import { parseAliasPattern } from '../process-map/alias-pattern';
import type { ProcessDef } from '../types';

export function matchesForbiddenAlias(
  text: string,
  all: readonly ProcessDef[],
  usable: readonly ProcessDef[],
): boolean {
  const usableIds = new Set(usable.map((process) => process.id));
  return all.some((process) => !usableIds.has(process.id) && hasAliasShaped(text, process));
}

/** The message has the shape of one of the process's aliases (captures not checked). */
export function hasAliasShaped(text: string, process: ProcessDef): boolean {
  const message = normalize(text);
  return aliasRegexes(process).some((regex) => regex.test(message));
}

/**
 * Compiled once per process definition: a catalog reload brings new ProcessDef objects, so the
 * cache follows the catalog version without being told (and old entries go with the old catalog).
 */
const compiledAliases = new WeakMap<ProcessDef, RegExp[]>();

function aliasRegexes(process: ProcessDef): RegExp[] {
  let regexes = compiledAliases.get(process);
  if (!regexes) {
    regexes = process.aliases.map(aliasRegex).filter((regex): regex is RegExp => regex !== undefined);
    compiledAliases.set(process, regexes);
  }
  return regexes;
}

function aliasRegex(alias: string): RegExp | undefined {
  const parsed = parseAliasPattern(alias);
  if (!parsed.ok) return undefined;
  const source = parsed.parts
    .map((part) =>
      part.kind === 'parameter' ? '(.+?)' : escapeRegex(part.text.replace(/\s+/g, ' ')).replace(/ /g, '\\s+'),
    )
    .join('');
  return new RegExp(`^\\s*${source}\\s*$`, 'i');
}

function normalize(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.!?]+$/, '');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
