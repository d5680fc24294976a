/**
 * Reading Prefect artifacts as they really are stored (prefect/artifacts.py):
 * - markdown: `data` is the markdown string;
 * - link: `create_link_artifact` stores type **markdown** with data `[link_text](link)` (or
 *   `[link](link)`); other clients may store type `link` with a bare URL — both are links here;
 * - table: `data` is a JSON **string** of a list of dicts, a dict of columns, or a list of lists
 *   (a decoded value is accepted too);
 * - progress: `data` is a number 0–100;
 * - image: `data` is the image URL.
 * Nothing here throws on bad data: an unreadable artifact simply has no link/table/progress.
 */
import type { RunArtifact } from '../ports';

export type ArtifactKind = 'markdown' | 'table' | 'link' | 'image' | 'progress' | 'unknown';

export interface ArtifactLink {
  url: string;
  /** Absent when the flow gave no text (Prefect then repeats the URL). */
  text?: string;
}

export interface ParsedTable {
  /** Column names; null for a list of lists (Prefect shows those without a header). */
  columns: string[] | null;
  /** At most the `maxRows` asked for, cells as given (see `cellText`). */
  rows: unknown[][];
  /** All rows the artifact has. */
  rowCount: number;
}

const MARKDOWN_LINK_ONLY = /^\[([^\]\n]{0,500})\]\(\s*<?([^\s()<>]+)>?\s*\)$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]{0,20}:\/\/\S+$/i;
const MAX_COLUMNS = 100;

/** Prefect keys allow only lowercase letters, digits and dashes; maps often write `row_count`. */
export function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/_/g, '-');
}

export function sameKey(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && normalizeKey(a) === normalizeKey(b);
}

export function artifactKind(artifact: RunArtifact): ArtifactKind {
  const type = String(artifact.type ?? '').toLowerCase();
  if (type === 'link') return 'link';
  if (type === 'markdown') return linkOf(artifact) ? 'link' : 'markdown';
  if (type === 'table' || type === 'image' || type === 'progress') return type;
  return 'unknown';
}

/** The link of a link artifact (or of a markdown artifact that is nothing but one link). */
export function linkOf(artifact: RunArtifact): ArtifactLink | undefined {
  const data = artifact.data;
  if (typeof data === 'string') return parseLinkText(data.trim());
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    const url = record.link ?? record.url;
    const text = record.link_text ?? record.text;
    if (typeof url === 'string' && URL_LIKE.test(url.trim())) {
      return withText(url.trim(), typeof text === 'string' ? text : undefined);
    }
  }
  return undefined;
}

function parseLinkText(text: string): ArtifactLink | undefined {
  const markdown = text.match(MARKDOWN_LINK_ONLY);
  if (markdown && URL_LIKE.test(markdown[2])) return withText(markdown[2], markdown[1]);
  if (String(text).length <= 3000 && URL_LIKE.test(text)) return { url: text };
  return undefined;
}

function withText(url: string, text: string | undefined): ArtifactLink {
  const cleaned = text?.replace(/\s+/g, ' ').trim();
  return cleaned && cleaned !== url ? { url, text: cleaned } : { url };
}

/** The image URL of an image artifact (not checked for https here: renderers decide). */
export function imageUrlOf(artifact: RunArtifact): string | undefined {
  return typeof artifact.data === 'string' && artifact.data.trim() !== '' ? artifact.data.trim() : undefined;
}

/** A progress artifact's percentage, clamped to 0–100; undefined when not a number. */
export function progressOf(artifact: RunArtifact): number | undefined {
  if (String(artifact.type ?? '').toLowerCase() !== 'progress') return undefined;
  const raw = typeof artifact.data === 'string' ? Number(artifact.data.trim()) : artifact.data;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  return Math.min(100, Math.max(0, raw));
}

/** Markdown text (or the text of any string-valued artifact). */
export function markdownOf(artifact: RunArtifact): string {
  const data = artifact.data;
  if (typeof data === 'string') return data;
  if (data === null || data === undefined) return '';
  return safeStringify(data);
}

/** Parses a table artifact's data; undefined when it is not one of Prefect's three shapes. */
export function parseTable(data: unknown, maxRows = Number.POSITIVE_INFINITY): ParsedTable | undefined {
  const value = typeof data === 'string' ? safeJsonParse(data) : data;
  if (Array.isArray(value)) return fromRowList(value, maxRows);
  if (value && typeof value === 'object') return fromColumns(value as Record<string, unknown>, maxRows);
  return undefined;
}

function fromRowList(list: unknown[], maxRows: number): ParsedTable {
  const allArrays = list.length > 0 && list.every((row) => Array.isArray(row));
  if (allArrays) {
    return {
      columns: null,
      rows: (list.slice(0, maxRows) as unknown[][]).map((r) => [...r]),
      rowCount: list.length,
    };
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of list) {
    if (!isPlainObject(row)) continue;
    for (const key of Object.keys(row)) {
      if (seen.has(key) || columns.length >= MAX_COLUMNS) continue;
      seen.add(key);
      columns.push(key);
    }
  }
  const rows = list.slice(0, maxRows).map((row) => {
    if (isPlainObject(row)) return columns.map((c) => row[c]);
    return Array.isArray(row) ? [...row] : [row];
  });
  return { columns: columns.length > 0 ? columns : null, rows, rowCount: list.length };
}

function fromColumns(record: Record<string, unknown>, maxRows: number): ParsedTable | undefined {
  const columns = Object.keys(record).slice(0, MAX_COLUMNS);
  if (columns.length === 0 || !columns.every((c) => Array.isArray(record[c]))) return undefined;
  const lists = columns.map((c) => record[c] as unknown[]);
  const rowCount = Math.max(...lists.map((l) => l.length));
  const rows: unknown[][] = [];
  for (let i = 0; i < Math.min(rowCount, maxRows); i += 1) rows.push(lists.map((l) => l[i]));
  return { columns, rows, rowCount };
}

/** A cell as one line of text: null → "", objects as compact JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? safeStringify(value) : String(value);
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The value `{{artifacts.<key>}}` stands for: markdown text, link/image URL, table row count,
 * progress percent ("60%"); "?" for anything else.
 */
export function artifactValue(artifact: RunArtifact): string {
  switch (artifactKind(artifact)) {
    case 'markdown':
      return markdownOf(artifact).replace(/\s+/g, ' ').trim() || '?';
    case 'link':
      return linkOf(artifact)?.url ?? '?';
    case 'image':
      return imageUrlOf(artifact) ?? '?';
    case 'table': {
      const table = parseTable(artifact.data, 0);
      return table ? String(table.rowCount) : '?';
    }
    case 'progress': {
      const percent = progressOf(artifact);
      return percent === undefined ? '?' : `${formatPercent(percent)}%`;
    }
    default:
      return '?';
  }
}

/** "60", "62.5" — one decimal at most. */
export function formatPercent(percent: number): string {
  return String(Math.round(percent * 10) / 10);
}

/**
 * The newest version of each key (Prefect keeps every version of a keyed artifact), keyless
 * artifacts all kept, in the order the run produced them.
 */
export function latestPerKey(artifacts: readonly RunArtifact[]): RunArtifact[] {
  const latestIndex = new Map<string, number>();
  artifacts.forEach((artifact, index) => {
    if (!artifact.key) return;
    const key = normalizeKey(artifact.key);
    const known = latestIndex.get(key);
    if (known === undefined || isNewer(artifact, artifacts[known])) latestIndex.set(key, index);
  });
  return artifacts.filter(
    (artifact, index) => !artifact.key || latestIndex.get(normalizeKey(artifact.key)) === index,
  );
}

/** Newer by `created` when both have one, else by position (the adapter lists oldest first). */
function isNewer(candidate: RunArtifact, current: RunArtifact): boolean {
  const a = candidate.created ? Date.parse(candidate.created) : Number.NaN;
  const b = current.created ? Date.parse(current.created) : Number.NaN;
  if (Number.isFinite(a) && Number.isFinite(b)) return a >= b;
  return true;
}

/** The latest artifact with this key (map keys may use `_` where Prefect uses `-`). */
export function findByKey(artifacts: readonly RunArtifact[], key: string): RunArtifact | undefined {
  return latestPerKey(artifacts).find((a) => sameKey(a.key, key));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
