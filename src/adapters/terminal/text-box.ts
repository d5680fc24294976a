/** A Unicode box around lines of text, wrapped to a width that fits a terminal. */

const MIN_WIDTH = 40;
const MAX_WIDTH = 76;

export function textBox(title: string, lines: string[]): string[] {
  const longest = Math.max(title.length + 4, ...lines.map((line) => line.length));
  const width = Math.min(Math.max(longest, MIN_WIDTH), MAX_WIDTH);
  const body = lines.flatMap((line) => wrap(line, width));
  const top = `┌─ ${title} ${'─'.repeat(Math.max(0, width - title.length - 1))}┐`;
  const bottom = `└${'─'.repeat(width + 2)}┘`;
  return [top, ...body.map((line) => `│ ${line.padEnd(width)} │`), bottom];
}

/** Wraps on spaces; words longer than the width are cut. Keeps a leading indent on continuations. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const out: string[] = [];
  let current = '';
  for (const word of line.trim().split(/\s+/)) {
    const candidate = current === '' ? `${indent}${word}` : `${current} ${word}`;
    if (candidate.length <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') out.push(current);
    let rest = `${indent}${word}`;
    while (rest.length > width) {
      out.push(rest.slice(0, width));
      rest = `${indent}${rest.slice(width)}`;
    }
    current = rest;
  }
  if (current !== '') out.push(current);
  return out;
}
