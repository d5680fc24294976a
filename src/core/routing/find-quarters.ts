/**
 * Quarter-like expressions ("Q3", "Q3 2024", "2024-Q3", "third quarter of 2024", "last quarter"),
 * rendered in whichever spelling the parameter's `pattern` accepts. A year is never invented: when
 * the pattern needs one and the message gave none (and no relative "last quarter" implies one),
 * nothing is extracted and the user is asked.
 */
import { alignedFold } from './normalize-text';
import { wallClockAt } from './zoned-time';

export interface QuarterMention {
  quarter: number;
  year?: number;
  index: number;
  length: number;
}

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  '1st': 1,
  '2nd': 2,
  '3rd': 3,
  '4th': 4,
};

const EXPRESSIONS: ReadonlyArray<{ pattern: RegExp; read: (match: RegExpMatchArray) => [number, number?] }> =
  [
    { pattern: /\bq([1-4])\s*(?:fy\s*)?(\d{4})\b/g, read: (m) => [Number(m[1]), Number(m[2])] },
    { pattern: /\b(?:fy\s*)?(\d{4})\s*q([1-4])\b/g, read: (m) => [Number(m[2]), Number(m[1])] },
    { pattern: /\bfy\s*(\d{2})\s*q([1-4])\b/g, read: (m) => [Number(m[2]), 2000 + Number(m[1])] },
    { pattern: /\bq([1-4])\b/g, read: (m) => [Number(m[1])] },
    {
      pattern: /\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of\s+)?(\d{4}))?\b/g,
      read: (m) => [ORDINALS[m[1]], m[2] ? Number(m[2]) : undefined],
    },
  ];

const RELATIVE = /\b(this|current|last|previous|next)\s+quarter\b/g;

/** Every expression above names a "q1"–"q4" or a "quarter"; most messages have neither. */
const MAY_NAME_A_QUARTER = /q\s*[1-4]|quarter/;

export function findQuarters(text: string, now: Date, tz: string): QuarterMention[] {
  const folded = alignedFold(text);
  if (!MAY_NAME_A_QUARTER.test(folded)) return [];
  const mentions: QuarterMention[] = [];
  const taken = (index: number, length: number) =>
    mentions.some((m) => index < m.index + m.length && m.index < index + length);
  for (const { pattern, read } of EXPRESSIONS) {
    for (const match of folded.matchAll(pattern)) {
      const index = match.index ?? 0;
      if (taken(index, match[0].length)) continue;
      const [quarter, year] = read(match);
      mentions.push({ quarter, year, index, length: match[0].length });
    }
  }
  let today: ReturnType<typeof wallClockAt> | undefined;
  for (const match of folded.matchAll(RELATIVE)) {
    const index = match.index ?? 0;
    if (taken(index, match[0].length)) continue;
    today ??= wallClockAt(now, tz);
    const shift = match[1] === 'last' || match[1] === 'previous' ? -1 : match[1] === 'next' ? 1 : 0;
    const absolute = today.year * 4 + Math.floor((today.month - 1) / 3) + shift;
    mentions.push({
      quarter: (absolute % 4) + 1,
      year: Math.floor(absolute / 4),
      index,
      length: match[0].length,
    });
  }
  return mentions.sort((a, b) => a.index - b.index);
}

/** Spellings of a quarter, most common first. */
export function quarterSpellings(mention: Pick<QuarterMention, 'quarter' | 'year'>): string[] {
  const q = `Q${mention.quarter}`;
  if (mention.year === undefined) return [q, q.toLowerCase(), String(mention.quarter)];
  const y = String(mention.year);
  const yy = y.slice(-2);
  const spellings = [`${q} ${y}`, `${y}-${q}`, `${y}${q}`, `${q}-${y}`, `${q}/${y}`, `${y} ${q}`, `${q}${y}`];
  spellings.push(`FY${yy}${q}`, `FY${yy} ${q}`, `FY${y} ${q}`, `${q} FY${yy}`);
  return [...spellings, ...spellings.map((s) => s.toLowerCase())];
}
