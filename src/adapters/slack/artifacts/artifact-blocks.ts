/**
 * A run's artifacts as Block Kit blocks for the result reply (or an answer in the thread):
 * markdown → mrkdwn sections (split at 3000 characters), table → an aligned code block of the
 * first rows ("… n more rows — see the run in Prefect"), or Slack's native `table` block when
 * asked, link → a section with a button, image → an image block (https only), progress → a bar,
 * anything else → a short note. The result stays within `maxBlocks`, every section within 3000
 * characters; what does not fit is counted in a final "n more results" note with the run link.
 * Bad artifacts are rendered as a note, never thrown.
 */
import type { types } from '@slack/bolt';
import type { RunArtifact } from '../../../core/ports';
import {
  artifactKind,
  cellText,
  imageUrlOf,
  linkOf,
  markdownOf,
  parseTable,
  progressOf,
} from '../../../core/results/artifact-values';
import { progressBar } from '../../../core/results/progress';
import { ACTION } from '../action-ids';
import {
  button,
  context,
  escapeMrkdwn,
  LIMITS,
  plain,
  section,
  truncate,
  truncateMrkdwn,
} from '../blocks/limits';
import { markdownToMrkdwn } from './markdown-to-mrkdwn';
import { formatMonospaceTable } from './monospace-table';
import { splitMrkdwn } from './split-text';

export interface RenderArtifactOptions {
  /** The run in the Prefect UI, linked from every "more" note. */
  runUrl?: string;
  /** Blocks these artifacts may use: the message's 50 minus what the caller adds itself. */
  maxBlocks: number;
  /** Table rows shown (default 20). */
  maxTableRows?: number;
  /** Widest table column in the code block (default 24). */
  maxColumnWidth?: number;
  /** Sections one markdown artifact may use (default 4, i.e. about 12,000 characters). */
  maxMarkdownSections?: number;
  /**
   * 'monospace' (default) always fits the schema; 'native' uses Slack's `table` block for the first
   * table (Slack allows one per message; later tables fall back to monospace).
   */
  tables?: 'monospace' | 'native';
  /** 'link' renders images as links: use it to retry when Slack cannot fetch an image URL. */
  images?: 'block' | 'link';
  /** Artifacts left out before rendering (`selectArtifacts().hidden`), counted in the note. */
  hiddenArtifacts?: number;
}

interface RenderState {
  options: RenderArtifactOptions;
  nativeTableUsed: boolean;
}

const NATIVE_MAX_COLUMNS = 20;
const NATIVE_MAX_ROWS = 99;
const NATIVE_MAX_CELL = 200;
/** Reported cap on all cell text of a message's table; kept well below. */
const NATIVE_MAX_TOTAL_CHARS = 8000;

export function renderArtifactBlocks(
  artifacts: readonly RunArtifact[],
  options: RenderArtifactOptions,
): types.KnownBlock[] {
  const max = Math.min(LIMITS.messageBlocks, Math.max(0, Math.floor(options.maxBlocks)));
  if (max === 0) return [];
  const state: RenderState = { options, nativeTableUsed: false };
  const out: types.KnownBlock[] = [];
  let hidden = Math.max(0, options.hiddenArtifacts ?? 0);
  for (let i = 0; i < artifacts.length; i += 1) {
    const left = artifacts.length - i - 1 + hidden;
    const room = max - out.length - (left > 0 ? 1 : 0);
    const blocks = renderOne(artifacts[i], state);
    if (blocks.length <= room) {
      out.push(...blocks);
      continue;
    }
    if (artifactKind(artifacts[i]) === 'markdown' && room >= 2) {
      out.push(...blocks.slice(0, room - 1), restNotShown(artifacts[i], options.runUrl));
      hidden += artifacts.length - i - 1;
    } else hidden += artifacts.length - i;
    break;
  }
  if (hidden > 0 && out.length < max) {
    const noun = hidden === 1 ? 'result' : 'results';
    out.push(context([`… ${hidden} more ${noun} — ${runLink(options.runUrl, 'see the run in Prefect')}`]));
  }
  return out;
}

/** Never throws: a renderer failing on odd data becomes a note. */
function renderOne(artifact: RunArtifact, state: RenderState): types.KnownBlock[] {
  try {
    switch (artifactKind(artifact)) {
      case 'markdown':
        return markdownBlocks(artifact, state.options);
      case 'table':
        return tableBlocks(artifact, state);
      case 'link':
        return linkBlocks(artifact, state.options);
      case 'image':
        return imageBlocks(artifact, state.options);
      case 'progress':
        return [context([`${title(artifact) || '*Progress*'} ${progressBar(progressOf(artifact) ?? 0)}`])];
      default:
        return [
          note(
            artifact,
            `a _${escapeMrkdwn(truncate(String(artifact.type ?? 'unknown'), 40))}_ artifact is not shown here`,
            state.options.runUrl,
          ),
        ];
    }
  } catch {
    return [note(artifact, 'could not be shown', state.options.runUrl)];
  }
}

function markdownBlocks(artifact: RunArtifact, options: RenderArtifactOptions): types.KnownBlock[] {
  const body = markdownToMrkdwn(markdownOf(artifact)).trim();
  const heading = title(artifact);
  if (!body) return [note(artifact, 'is empty', options.runUrl)];
  const chunks = splitMrkdwn(heading ? `${heading}\n${body}` : body, LIMITS.sectionText);
  const maxSections = Math.max(1, options.maxMarkdownSections ?? 4);
  const blocks: types.KnownBlock[] = chunks.slice(0, maxSections).map((chunk) => section(chunk));
  if (chunks.length > maxSections) blocks.push(restNotShown(artifact, options.runUrl));
  return blocks;
}

function tableBlocks(artifact: RunArtifact, state: RenderState): types.KnownBlock[] {
  const { options } = state;
  const maxRows = Math.max(1, Math.min(NATIVE_MAX_ROWS, options.maxTableRows ?? 20));
  const table = parseTable(artifact.data, maxRows);
  if (!table) return [note(artifact, 'is a table that could not be read', options.runUrl)];
  const heading = title(artifact) || '*Table*';
  if (table.rowCount === 0) return [section(`${heading}\n_empty table_`)];
  const header = table.columns?.map((c) => cellText(c)) ?? null;
  const rows = table.rows.map((row) => row.map((cell) => cellText(cell)));
  if (options.tables === 'native' && !state.nativeTableUsed) {
    const native = nativeTable(header, rows);
    if (native) {
      state.nativeTableUsed = true;
      const more = moreRows(table.rowCount - native.shownRows, native.hiddenColumns, options.runUrl);
      return [context([heading]), native.block, ...(more ? [context([more])] : [])];
    }
  }
  return [monospaceTableSection(heading, header, rows, table.rowCount, options)];
}

/** Drops rows until the whole section fits in 3000 characters. */
function monospaceTableSection(
  heading: string,
  header: string[] | null,
  rows: string[][],
  rowCount: number,
  options: RenderArtifactOptions,
): types.SectionBlock {
  const maxColumnWidth = options.maxColumnWidth ?? 24;
  for (let shown = rows.length; shown >= 1; shown -= 1) {
    const table = formatMonospaceTable(header, rows.slice(0, shown), { maxColumnWidth, maxWidth: 100 });
    const more = moreRows(rowCount - shown, table.hiddenColumns, options.runUrl);
    const text = `${heading}\n\`\`\`\n${table.lines.join('\n')}\n\`\`\`${more ? `\n${more}` : ''}`;
    if (text.length <= LIMITS.sectionText) return section(text);
  }
  return section(`${heading}\n${moreRows(rowCount, 0, options.runUrl)}`);
}

function nativeTable(header: string[] | null, rows: string[][]) {
  const columns = Math.min(
    NATIVE_MAX_COLUMNS,
    Math.max(header?.length ?? 0, ...rows.map((r) => r.length), 1),
  );
  const hiddenColumns = Math.max(header?.length ?? 0, ...rows.map((r) => r.length)) - columns;
  const toCells = (row: string[]): types.RawTextElement[] =>
    Array.from({ length: columns }, (_, i) => ({
      type: 'raw_text',
      text: truncate(row[i] || '–', NATIVE_MAX_CELL),
    }));
  const tableRows = header ? [toCells(header)] : [];
  let total = tableRows.flat().reduce((sum, cell) => sum + cell.text.length, 0);
  let shownRows = 0;
  for (const row of rows) {
    const cells = toCells(row);
    const size = cells.reduce((sum, cell) => sum + cell.text.length, 0);
    if (total + size > NATIVE_MAX_TOTAL_CHARS) break;
    tableRows.push(cells);
    total += size;
    shownRows += 1;
  }
  if (shownRows === 0) return undefined;
  const block: types.TableBlock = { type: 'table', rows: tableRows };
  return { block, shownRows, hiddenColumns };
}

function moreRows(hiddenRows: number, hiddenColumns: number, runUrl: string | undefined): string {
  const parts: string[] = [];
  if (hiddenRows > 0) parts.push(`${hiddenRows} more ${hiddenRows === 1 ? 'row' : 'rows'}`);
  if (hiddenColumns > 0) parts.push(`${hiddenColumns} more ${hiddenColumns === 1 ? 'column' : 'columns'}`);
  return parts.length > 0 ? `… ${parts.join(', ')} — ${runLink(runUrl, 'see the run in Prefect')}` : '';
}

function linkBlocks(artifact: RunArtifact, options: RenderArtifactOptions): types.KnownBlock[] {
  const link = linkOf(artifact);
  if (!link || !isHttpUrl(link.url))
    return [note(artifact, 'is a link that is not an http(s) URL', options.runUrl)];
  const label = link.text ?? fileLabel(link.url) ?? artifact.key ?? 'Open';
  const heading = title(artifact) || `*${escapeMrkdwn(truncate(label, 200))}*`;
  const block = section(heading);
  block.accessory = button({
    actionId: ACTION.openLink,
    text: label,
    url: link.url,
    value: artifact.id || 'link',
  });
  return [block];
}

function imageBlocks(artifact: RunArtifact, options: RenderArtifactOptions): types.KnownBlock[] {
  const url = imageUrlOf(artifact);
  if (!url || !isHttpsUrl(url)) return [note(artifact, 'image skipped: not an https URL', options.runUrl)];
  const name = artifact.key ?? artifact.description ?? 'image';
  if (options.images === 'link') {
    return [
      section(
        `${title(artifact) || '*Image*'}\n<${url.replace(/&/g, '&amp;')}|${escapeMrkdwn(truncate(name, 200))}>`,
      ),
    ];
  }
  const alt = (artifact.description ?? artifact.key ?? 'image').replace(/\s+/g, ' ').trim() || 'image';
  const block: types.ImageBlock = { type: 'image', image_url: url, alt_text: truncate(alt, 2000) };
  if (artifact.key) block.title = plain(artifact.key, 2000);
  return [block];
}

/** "*key* — description" (description converted from markdown, one line), or "" when neither. */
function title(artifact: RunArtifact): string {
  const key = artifact.key ? `*${escapeMrkdwn(truncate(artifact.key, 100))}*` : '';
  const raw = artifact.description?.replace(/\s+/g, ' ').trim();
  const description = raw ? truncateMrkdwn(markdownToMrkdwn(raw).replace(/\n+/g, ' '), 300) : '';
  if (key && description) return `${key} — ${description}`;
  return key || description;
}

function note(artifact: RunArtifact, what: string, runUrl: string | undefined): types.ContextBlock {
  const name = artifact.key ? `*${escapeMrkdwn(truncate(artifact.key, 100))}*` : 'An artifact';
  return context([`:grey_question: ${name} ${what} — ${runLink(runUrl, 'see the run in Prefect')}`]);
}

function restNotShown(artifact: RunArtifact, runUrl: string | undefined): types.ContextBlock {
  const name = artifact.key ? `*${escapeMrkdwn(truncate(artifact.key, 100))}*` : 'this result';
  return context([`… the rest of ${name} is not shown — ${runLink(runUrl, 'open the run in Prefect')}`]);
}

export function runLink(runUrl: string | undefined, text: string): string {
  if (!runUrl || !isHttpUrl(runUrl)) return text;
  return `<${runUrl.replace(/&/g, '&amp;')}|${text}>`;
}

function isHttpUrl(text: string): boolean {
  return parsedProtocol(text, ['http:', 'https:']);
}

function isHttpsUrl(text: string): boolean {
  return parsedProtocol(text, ['https:']);
}

function parsedProtocol(text: string, protocols: string[]): boolean {
  if (text.length > LIMITS.url || /[\s<>|]/.test(text)) return false;
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

function fileLabel(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last && /\.[a-z0-9]{1,5}$/i.test(last) ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}
