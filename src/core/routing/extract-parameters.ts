/**
 * Parameter values stated in a message, found without a model: e-mail addresses, enum values (with
 * synonyms), quarters and other `pattern` strings, dates (chrono-node, in the requester's time zone),
 * numbers, and "the orders table"-style names for free-text parameters. Each extractor blanks out
 * what it used, so a date's digits are not read again as a number.
 * Only values the user actually gave are returned: defaults, validation and questions about what is
 * still missing are the caller's job.
 */
import type { JsonSchema, ParameterValues, ProcessDef } from '../types';
import { findEnumMentions } from './find-enum-values';
import { findQuarters, quarterSpellings } from './find-quarters';
import { isStopWord, stem } from './normalize-text';
import { type DatePoint, parseDates } from './parse-dates';
import {
  enumOf,
  formatOf,
  isArray,
  isDateParameter,
  isEmailParameter,
  isFreeString,
  isNumberParameter,
  nameParts,
  patternOf,
  propertiesOf,
  typesOf,
} from './schema-shape';
import { formatDate, safeTimeZone, wallClockToInstant } from './zoned-time';

export interface ExtractOptions {
  now: Date;
  /** The requester's IANA time zone (an invalid one falls back to UTC). */
  tz: string;
}

type Property = [name: string, schema: JsonSchema];

/** The message with used spans blanked out, plus what was found so far. */
class Work {
  text: string;
  readonly values: ParameterValues = {};

  constructor(text: string) {
    this.text = text;
  }

  blank(index: number, length: number): void {
    this.text = this.text.slice(0, index) + ' '.repeat(length) + this.text.slice(index + length);
  }

  has(name: string): boolean {
    return name in this.values;
  }
}

export function extractParameters(
  text: string,
  process: ProcessDef,
  schema: JsonSchema,
  options: ExtractOptions,
): ParameterValues {
  const properties = propertiesOf(schema, process.parameters);
  const work = new Work(text);
  const tz = safeTimeZone(options.tz);
  extractEmails(work, properties);
  extractEnums(work, properties);
  extractPatterns(work, properties, options.now, tz);
  extractDates(work, properties, options.now, tz);
  extractNumbers(work, properties);
  extractNamedValues(work, properties);
  return work.values;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

function extractEmails(work: Work, properties: readonly Property[]): void {
  if (!work.text.includes('@')) return;
  const found: string[] = [];
  for (const match of work.text.matchAll(EMAIL)) {
    const email = match[0].toLowerCase();
    if (!found.includes(email)) found.push(email);
    work.blank(match.index ?? 0, match[0].length);
  }
  const targets = properties.filter(([name, schema]) => isEmailParameter(name, schema));
  for (const [name, schema] of targets) {
    if (found.length === 0) break;
    work.values[name] = isArray(schema) ? found.splice(0) : found.shift();
  }
}

function extractEnums(work: Work, properties: readonly Property[]): void {
  const used: Array<{ index: number; length: number }> = [];
  for (const [name, schema] of properties) {
    const values = enumOf(schema);
    if (!values) continue;
    const mentions = findEnumMentions(work.text, values).filter((mention) => !mention.negated);
    const distinct = [...new Set(mentions.map((mention) => mention.value))];
    if (distinct.length === 0) continue;
    if (isArray(schema)) work.values[name] = distinct;
    else if (distinct.length === 1) work.values[name] = distinct[0];
    else continue; // two different values for one parameter: let the user say which
    used.push(...mentions);
  }
  for (const span of used) work.blank(span.index, span.length);
}

function extractPatterns(work: Work, properties: readonly Property[], now: Date, tz: string): void {
  const quarters = findQuarters(work.text, now, tz);
  for (const [name, schema] of properties) {
    if (work.has(name) || enumOf(schema) || !typesOf(schema).has('string')) continue;
    const pattern = patternOf(schema);
    const isQuarter = nameParts(name).includes('quarter');
    if (!pattern && !isQuarter) continue;
    for (const mention of quarters) {
      const spelling = quarterSpellings(mention).find((candidate) =>
        pattern ? pattern.test(candidate) : true,
      );
      if (spelling === undefined) continue;
      work.values[name] = spelling;
      work.blank(mention.index, mention.length);
      break;
    }
    if (!work.has(name) && pattern) extractPatternToken(work, name, pattern);
  }
}

/** A single word of the message that matches the parameter's pattern exactly ("OPS-123"). */
function extractPatternToken(work: Work, name: string, pattern: RegExp): void {
  const matches = [...work.text.matchAll(/[^\s,;:!?()"'`]+/g)]
    .map((match) => ({ token: match[0].replace(/\.$/, ''), index: match.index ?? 0 }))
    .filter(({ token }) => token !== '' && pattern.test(token));
  const distinct = new Set(matches.map(({ token }) => token));
  // A loose pattern ("^[a-z]+$") matches many words: then it says nothing about which one is meant.
  if (distinct.size !== 1) return;
  work.values[name] = matches[0].token;
  for (const { token, index } of matches) work.blank(index, token.length);
}

const STARTS = new Set(['start', 'from', 'begin', 'since', 'after', 'first']);
const ENDS = new Set(['end', 'to', 'until', 'through', 'before', 'last', 'stop']);

function extractDates(work: Work, properties: readonly Property[], now: Date, tz: string): void {
  const targets = properties.filter(([name, schema]) => !work.has(name) && isDateParameter(name, schema));
  if (targets.length === 0) return;
  const startish = targets.find(([name]) => nameParts(name).some((part) => STARTS.has(part)));
  const endish = targets.find(([name]) => nameParts(name).some((part) => ENDS.has(part)));
  const assign = (property: Property | undefined, point: DatePoint) => {
    if (!property || work.has(property[0])) return false;
    work.values[property[0]] = dateValue(property[1], point);
    return true;
  };
  for (const expression of parseDates(work.text, { now, tz }, { forwardDate: false })) {
    if (!expression.start.hasDay) continue; // a bare time of day is not a date
    const before = previousWord(work.text, expression.index);
    if (before === 'since' && expression.start.weekdayOnly && expression.start.instant > now) {
      expression.start = weekBefore(expression.start, tz); // "since monday" is the last one, not the next
    }
    const unfilled = targets.find(([name]) => !work.has(name));
    let used: boolean;
    if (expression.end) {
      used = assign(startish ?? unfilled, expression.start);
      const next = targets.find(([name]) => !work.has(name));
      used = assign(endish ?? next, expression.end) || used;
    } else if (ENDS.has(before) || before === 'till' || before === 'til') {
      used = assign(endish ?? unfilled, expression.start);
    } else {
      used = assign(STARTS.has(before) && startish ? startish : unfilled, expression.start);
    }
    if (used) work.blank(expression.index, expression.text.length);
  }
}

function weekBefore(point: DatePoint, tz: string): DatePoint {
  const day = new Date(Date.UTC(point.clock.year, point.clock.month - 1, point.clock.day - 7));
  const clock = {
    ...point.clock,
    year: day.getUTCFullYear(),
    month: day.getUTCMonth() + 1,
    day: day.getUTCDate(),
  };
  return { ...point, clock, instant: wallClockToInstant(clock, tz) };
}

function dateValue(schema: JsonSchema, point: DatePoint): string {
  return formatOf(schema) === 'date-time' ? point.instant.toISOString() : formatDate(point.clock);
}

function previousWord(text: string, index: number): string {
  const words = text
    .slice(0, index)
    .toLowerCase()
    .match(/[\p{L}]+/gu);
  return words ? words[words.length - 1] : '';
}

const NUMBER = /(?<![\p{L}\p{N}.,])[-+]?\d+(?:\.\d+)?(?![\p{L}\p{N}]|[.,]\d)/gu;

function extractNumbers(work: Work, properties: readonly Property[]): void {
  const targets = properties.filter(([name, schema]) => !work.has(name) && isNumberParameter(schema));
  if (targets.length === 0) return;
  const numbers = [...work.text.matchAll(NUMBER)].map((match) => ({
    value: Number(match[0]),
    index: match.index ?? 0,
    length: match[0].length,
    context: contextWords(work.text, match.index ?? 0, match[0].length),
  }));
  const fits = (schema: JsonSchema, value: number) =>
    (!typesOf(schema).has('integer') || typesOf(schema).has('number') || Number.isInteger(value)) &&
    (enumOf(schema)?.includes(value) ?? true);
  // First, numbers next to a word of the parameter's name ("batch size 500", "3 replicas").
  for (const number of [...numbers]) {
    const target = targets.find(
      ([name, schema]) =>
        !work.has(name) &&
        fits(schema, number.value) &&
        nameParts(name).some((part) => number.context.has(stem(part))),
    );
    if (!target) continue;
    work.values[target[0]] = number.value;
    numbers.splice(numbers.indexOf(number), 1);
  }
  // Then one number for one remaining parameter: unambiguous.
  const remaining = targets.filter(([name]) => !work.has(name));
  if (remaining.length === 1 && numbers.length === 1 && fits(remaining[0][1], numbers[0].value)) {
    work.values[remaining[0][0]] = numbers[0].value;
  }
}

/** Stems of the two words before and after a span. */
function contextWords(text: string, index: number, length: number): Set<string> {
  const before = (
    text
      .slice(0, index)
      .toLowerCase()
      .match(/[\p{L}]+/gu) ?? []
  ).slice(-2);
  const after = (
    text
      .slice(index + length)
      .toLowerCase()
      .match(/[\p{L}]+/gu) ?? []
  ).slice(0, 2);
  return new Set([...before, ...after].map(stem));
}

/** Name parts that say nothing about the value ("table_name" is about a table). */
const GENERIC_NAME_PARTS = new Set(['name', 'id', 'value', 'key', 'the']);
const NAMING_WORDS = new Set(['called', 'named', 'name']);

/** "backfill the orders table" → table = "orders"; "table orders" and "table called orders" too. */
function extractNamedValues(work: Work, properties: readonly Property[]): void {
  const tokens = [...work.text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}._/-]*/gu)].map((match) => ({
    raw: match[0].replace(/[._/-]+$/, ''),
    stem: stem(match[0].toLowerCase()),
  }));
  for (const [name, schema] of properties) {
    if (work.has(name) || !isFreeString(schema) || isEmailParameter(name, schema)) continue;
    const nouns = new Set(
      nameParts(name)
        .filter((part) => !GENERIC_NAME_PARTS.has(part))
        .map(stem),
    );
    if (nouns.size === 0) continue;
    const at = tokens.findIndex((token) => nouns.has(token.stem));
    if (at < 0) continue;
    const value = namedValue(tokens, at);
    if (value !== undefined) work.values[name] = value;
  }
}

function isNamingWord(token: { raw: string }): boolean {
  return NAMING_WORDS.has(token.raw.toLowerCase());
}

function isContentToken(token: { raw: string; stem: string } | undefined): boolean {
  return token !== undefined && !isStopWord(token.stem) && !isNamingWord(token);
}

function namedValue(tokens: ReadonlyArray<{ raw: string; stem: string }>, at: number): string | undefined {
  const previous = tokens[at - 1];
  if (
    isContentToken(previous) &&
    at >= 2 &&
    ['the', 'a', 'an', 'our', 'my', 'this'].includes(tokens[at - 2].stem)
  ) {
    return previous.raw;
  }
  let next = at + 1;
  if (tokens[next] && isNamingWord(tokens[next])) next += 1;
  return isContentToken(tokens[next]) ? tokens[next].raw : undefined;
}
