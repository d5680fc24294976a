/**
 * Splits long mrkdwn into chunks that each fit a section block (3000 characters), cutting at
 * paragraph boundaries first, then at line boundaries, and inside a ``` code block only when the
 * block alone is too long — then every piece is closed and reopened so each chunk stands alone.
 * A line longer than a chunk is cut at a space where possible, never inside `&amp;` or `<…>`.
 */
import { LIMITS } from '../blocks/limits';

interface Unit {
  code: boolean;
  lines: string[];
  /** Blank lines before this unit in the source (at most 2 kept). */
  gap: number;
}

const OPEN_FENCE = '```\n';
const CLOSE_FENCE = '\n```';

export function splitMrkdwn(text: string, maxChars: number = LIMITS.sectionText): string[] {
  const max = Math.max(20, Math.floor(maxChars));
  const source = String(text ?? '').replace(/\r\n?/g, '\n');
  if (source.length <= max) return source.trim() === '' ? [] : [source];
  const chunks: string[] = [];
  let current = '';
  for (const unit of toUnits(source)) {
    const separator = '\n'.repeat(1 + unit.gap);
    for (const piece of unitPieces(unit, max)) {
      if (current === '') current = piece;
      else if (current.length + separator.length + piece.length <= max) current += separator + piece;
      else {
        chunks.push(current);
        current = piece;
      }
    }
  }
  if (current.trim() !== '') chunks.push(current);
  return chunks.filter((c) => c.trim() !== '');
}

/** Paragraphs (runs of non-blank lines) and fenced code blocks, with the gaps between them. */
function toUnits(text: string): Unit[] {
  const units: Unit[] = [];
  let gap = 0;
  let current: Unit | undefined;
  const close = () => {
    if (current) units.push(current);
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const fences = countFences(line);
    if (current?.code) {
      current.lines.push(line);
      if (fences % 2 === 1) close();
      continue;
    }
    if (fences % 2 === 1) {
      close();
      current = { code: true, lines: [line], gap };
      gap = 0;
      continue;
    }
    if (line.trim() === '') {
      close();
      gap = Math.min(2, gap + 1);
      continue;
    }
    if (!current) {
      current = { code: false, lines: [], gap };
      gap = 0;
    }
    current.lines.push(line);
  }
  if (current?.code) current.lines.push('```');
  close();
  return units;
}

function countFences(line: string): number {
  return line.split('```').length - 1;
}

function unitPieces(unit: Unit, max: number): string[] {
  const whole = unit.lines.join('\n');
  if (whole.length <= max) return [whole];
  return unit.code ? codePieces(unit.lines, max) : packLines(unit.lines, max);
}

/** A code block too long for one chunk: its lines re-wrapped in fences piece by piece. */
function codePieces(lines: string[], max: number): string[] {
  const inner = [...lines];
  const first = inner.shift() ?? '';
  const last = inner.pop() ?? '';
  const opening = first.replace('```', '').trim();
  const closing = last.replace('```', '').trim();
  if (opening) inner.unshift(opening);
  if (closing) inner.push(closing);
  const budget = max - OPEN_FENCE.length - CLOSE_FENCE.length;
  return packLines(inner, budget).map((piece) => `${OPEN_FENCE}${piece}${CLOSE_FENCE}`);
}

function packLines(lines: string[], max: number): string[] {
  const pieces: string[] = [];
  let current: string | undefined;
  for (const line of lines) {
    for (const part of line.length <= max ? [line] : hardSplit(line, max)) {
      if (current === undefined) current = part;
      else if (current.length + 1 + part.length <= max) current += `\n${part}`;
      else {
        pieces.push(current);
        current = part;
      }
    }
  }
  if (current !== undefined) pieces.push(current);
  return pieces;
}

/** Cuts one long line: at a space in the last 40 % of the window, never inside an entity or link. */
export function hardSplit(line: string, max: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let cut = safeCut(rest, max);
    const space = rest.lastIndexOf(' ', cut - 1);
    if (space > max * 0.6) cut = space + 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

function safeCut(text: string, max: number): number {
  let cut = max;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text[cut - 1] ?? '')) cut -= 1;
  const head = text.slice(0, cut);
  const amp = head.lastIndexOf('&');
  if (amp > 0 && amp > head.length - 10 && !head.slice(amp).includes(';')) cut = amp;
  const open = text.slice(0, cut).lastIndexOf('<');
  if (open > 0 && !text.slice(open, cut).includes('>')) cut = open;
  return Math.max(1, cut);
}
