/**
 * A table as aligned plain-text columns, for a ``` block in mrkdwn (Slack renders no Markdown
 * tables, and a code block is the one layout that always fits the Block Kit schema).
 * Cells are single-line, capped in width; columns that do not fit `maxWidth` are dropped and
 * counted. The text is escaped for mrkdwn (`&`, `<`, `>`) and cannot contain a fence.
 */
import { escapeMrkdwn } from '../blocks/limits';

export interface MonospaceTableOptions {
  /** Widest a column may be (characters, default 24). */
  maxColumnWidth?: number;
  /** Widest a line may be (default 120); columns beyond are dropped. */
  maxWidth?: number;
}

export interface MonospaceTable {
  /** Lines without fences. */
  lines: string[];
  /** Columns left out because the table was too wide. */
  hiddenColumns: number;
}

const SEPARATOR = '  ';

export function formatMonospaceTable(
  header: readonly string[] | null,
  rows: readonly (readonly string[])[],
  options: MonospaceTableOptions = {},
): MonospaceTable {
  const maxColumn = Math.max(3, options.maxColumnWidth ?? 24);
  const maxWidth = Math.max(10, options.maxWidth ?? 120);
  const columnCount = Math.max(header?.length ?? 0, ...rows.map((r) => r.length), 0);
  const cell = (row: readonly string[] | null, i: number) => fitWidth(cleanCell(row?.[i] ?? ''), maxColumn);
  const widths: number[] = [];
  let total = 0;
  for (let i = 0; i < columnCount; i += 1) {
    const width = Math.max(cell(header, i).length, ...rows.map((r) => cell(r, i).length), 1);
    const extra = widths.length === 0 ? width : width + SEPARATOR.length;
    if (widths.length > 0 && total + extra > maxWidth) break;
    widths.push(width);
    total += extra;
  }
  const line = (row: readonly string[] | null) =>
    widths
      .map((w, i) => cell(row, i).padEnd(w))
      .join(SEPARATOR)
      .trimEnd();
  const lines: string[] = [];
  if (header) {
    lines.push(line(header));
    lines.push(widths.map((w) => '─'.repeat(w)).join(SEPARATOR));
  }
  for (const row of rows) lines.push(line(row));
  return { lines: lines.map(escapeCodeLine), hiddenColumns: columnCount - widths.length };
}

/** One line, no control characters. */
function cleanCell(text: string): string {
  return stripControlCharacters(text, ' ').replace(/\s+/g, ' ').trim();
}

/** Replaces C0 control characters and DEL (tab and newline included) with `replacement`. */
export function stripControlCharacters(text: string, replacement = '', keep = ''): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const control = (code < 0x20 || code === 0x7f) && !keep.includes(ch);
    out += control ? replacement : ch;
  }
  return out;
}

/** Cuts to `max` UTF-16 units with "…" (padding is by `.length`, so measure the same way). */
function fitWidth(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  let out = '';
  for (const ch of chars) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Inside ``` only the mrkdwn control characters and a stray fence need care. */
export function escapeCodeLine(text: string): string {
  return escapeMrkdwn(text).replace(/`{3,}/g, (run) => "'".repeat(run.length));
}
