/**
 * Enum values named in a message: case-, accent- and spacing-insensitive ("Payments API",
 * "payments-api" and "paymentsapi" all name `payments-api`), with the usual short forms of
 * environment names ("prod" → `production`, "stage"/"stg" → `staging`, "dev" → `development`)
 * when the enum has the long form, and the other way round. A value said in the negative
 * ("staging, not production", "instead of prod") is not taken.
 */
import { alignedFold, foldText } from './normalize-text';

export interface EnumMention {
  value: unknown;
  index: number;
  length: number;
  negated: boolean;
}

const SYNONYM_GROUPS: readonly string[][] = [
  ['production', 'prod', 'prd'],
  ['staging', 'stage', 'stg'],
  ['development', 'dev'],
  ['testing', 'test'],
  ['preproduction', 'preprod', 'pre production', 'pre prod'],
  ['sandbox', 'sbx'],
];

function words(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The spellings that name `value`: itself, and its synonyms that are not values of the enum themselves. */
function spellings(value: string, allValues: ReadonlySet<string>): string[][] {
  const own = words(value);
  const key = own.join(' ');
  const group = SYNONYM_GROUPS.find((members) => members.includes(key));
  const others = (group ?? []).filter((member) => member !== key && !allValues.has(member));
  return [own, ...others.map((member) => member.split(' '))].filter((tokens) => tokens.length > 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NEGATION =
  /(?:^|\s)(?:not|no|never|except|without|instead of|rather than)\s+(?:(?:the|in|on|to|for)\s+)?$/;

function isNegated(folded: string, index: number): boolean {
  return NEGATION.test(folded.slice(Math.max(0, index - 24), index));
}

interface EnumPattern {
  value: string;
  /** The spelling's first word: a message without it cannot match, and the regex is not run. */
  firstWord: string;
  pattern: RegExp;
}

/**
 * Compiled once per enum (schemas are cached, so the same `values` array comes back on every message):
 * building the spellings and regexes per message was the router's main per-message allocation.
 */
const patternsByEnum = new WeakMap<readonly unknown[], EnumPattern[]>();

function enumPatterns(values: readonly unknown[]): EnumPattern[] {
  const cached = patternsByEnum.get(values);
  if (cached) return cached;
  const strings = values.filter((value): value is string => typeof value === 'string');
  const allValues = new Set(strings.map((value) => words(value).join(' ')));
  const patterns = strings.flatMap((value) =>
    spellings(value, allValues).map((tokens) => {
      // Tokens may be joined by spaces, punctuation or nothing; a plural "s" is allowed at the end.
      const body = tokens.map(escapeRegExp).join('\\s*');
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${body}s?(?![\\p{L}\\p{N}])`, 'gu');
      return { value, firstWord: tokens[0], pattern };
    }),
  );
  patternsByEnum.set(values, patterns);
  return patterns;
}

/** Every mention of an enum value in `text`, in order of appearance. */
export function findEnumMentions(text: string, values: readonly unknown[]): EnumMention[] {
  const folded = alignedFold(text);
  const mentions: EnumMention[] = [];
  for (const { value, firstWord, pattern } of enumPatterns(values)) {
    if (!folded.includes(firstWord)) continue;
    // matchAll works on a copy of the regex, so the shared one keeps lastIndex 0.
    for (const match of folded.matchAll(pattern)) {
      const index = match.index ?? 0;
      mentions.push({ value, index, length: match[0].length, negated: isNegated(folded, index) });
    }
  }
  return dropOverlaps(mentions);
}

/** When mentions overlap ("payments api" inside "payments api v2"), the longest wins. */
function dropOverlaps(mentions: EnumMention[]): EnumMention[] {
  const byLength = [...mentions].sort((a, b) => b.length - a.length || a.index - b.index);
  const kept: EnumMention[] = [];
  for (const mention of byLength) {
    const overlaps = kept.some(
      (other) => mention.index < other.index + other.length && other.index < mention.index + mention.length,
    );
    if (!overlaps) kept.push(mention);
  }
  return kept.sort((a, b) => a.index - b.index);
}
