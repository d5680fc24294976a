/**
 * CommonMark-ish Markdown (what flows write in Prefect markdown artifacts) → Slack mrkdwn.
 *
 * `**b**`/`__b__` → `*b*`, `*i*`/`_i_` → `_i_`, `~~s~~` → `~s~`, `[t](url)` → `<url|t>`,
 * `![alt](url)` → a link, headings → bold lines, lists → bullets, quotes kept, rules → a line,
 * Markdown tables → aligned code blocks, code fences kept (language dropped: Slack would show it).
 * `&`, `<`, `>` are escaped everywhere except in the links this produces, so content can never
 * form a mention (`<!channel>`) or a link Slack would parse. Broken or unclosed markup is left
 * as text (an unclosed fence is closed); nothing here throws.
 */
import { escapeMrkdwn } from '../blocks/limits';
import { escapeCodeLine, formatMonospaceTable, stripControlCharacters } from './monospace-table';

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
/** Sentinels (control characters, removed from the input first). */
const BOLD = '\u0002';
const TOKEN = '\u0001';
const MAX_SPAN = 1000;

export function markdownToMrkdwn(markdown: string): string {
  const lines = normalise(markdown).split('\n');
  const out: string[] = [];
  let fence: string | null = null;
  let table: string[] = [];
  const flushTable = () => {
    out.push(...renderTable(table));
    table = [];
  };
  for (const line of lines) {
    if (fence !== null) {
      if (isClosingFence(line, fence)) {
        out.push('```');
        fence = null;
      } else out.push(escapeCodeLine(line));
      continue;
    }
    const open = line.match(FENCE);
    if (open) {
      flushTable();
      fence = open[1];
      out.push('```');
      continue;
    }
    if (TABLE_ROW.test(line)) {
      table.push(line);
      continue;
    }
    flushTable();
    out.push(convertLine(line));
  }
  flushTable();
  if (fence !== null) out.push('```');
  return out.join('\n');
}

function normalise(markdown: string): string {
  const text = String(markdown ?? '').replace(/\r\n?/g, '\n');
  return stripControlCharacters(text, '', '\n\t').replace(/<br\s*\/?>/gi, '\n');
}

function isClosingFence(line: string, opener: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= opener.length && trimmed === opener[0].repeat(trimmed.length);
}

function convertLine(line: string): string {
  if (line.trim() === '') return '';
  const heading = line.match(HEADING);
  if (heading) {
    const text = inline(heading[2].replace(/\*\*|__/g, '')).replace(/\*/g, '');
    return text.trim() === '' ? '' : `*${text.trim()}*`;
  }
  if (RULE.test(line)) return '──────────';
  const quote = line.match(QUOTE);
  if (quote) return `> ${convertLine(quote[1].replace(/^(\s*>)+\s?/, ''))}`;
  const bullet = line.match(BULLET);
  if (bullet) return `${listIndent(bullet[1])}${bulletMark(bullet[1])} ${taskBox(inline(bullet[2]))}`;
  const ordered = line.match(ORDERED);
  if (ordered) return `${listIndent(ordered[1])}${ordered[2]}. ${inline(ordered[3])}`;
  return inline(line);
}

function listIndent(spaces: string): string {
  const level = Math.min(4, Math.floor(spaces.replace(/\t/g, '    ').length / 2));
  return '    '.repeat(level);
}

function bulletMark(spaces: string): string {
  return spaces.length >= 2 ? '◦' : '•';
}

function taskBox(text: string): string {
  return text.replace(/^\[ \]\s/, '☐ ').replace(/^\[[xX]\]\s/, '☑ ');
}

/** A block of `| a | b |` lines: a real table (with its `|---|` row) becomes a code block. */
function renderTable(lines: string[]): string[] {
  if (lines.length === 0) return [];
  if (lines.length < 2 || !TABLE_SEPARATOR.test(lines[1])) return lines.map(convertLine);
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split(/(?<!\\)\|/)
      .map((c) => stripInlineMarkup(c.replace(/\\\|/g, '|').trim()));
  const rows = lines.slice(2).map(cells);
  const { lines: body } = formatMonospaceTable(cells(lines[0]), rows, { maxColumnWidth: 40, maxWidth: 160 });
  return ['```', ...body, '```'];
}

/** Inside a code block markup would show literally: keep the words only. */
function stripInlineMarkup(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__|~~|`/g, '')
    .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, '$1$2');
}

/**
 * Inline markup. Code spans and links are cut out first (as tokens) so their content is not
 * touched by emphasis rules, the rest is escaped, emphasis converted, and the tokens put back.
 */
function inline(text: string): string {
  const tokens: string[] = [];
  const hold = (value: string) => `${TOKEN}${tokens.push(value) - 1}${TOKEN}`;
  let work = cutCodeSpans(text, hold);
  work = work.replace(
    /(!?)\[([^\]\n]{0,1000})\]\(\s*<?([^\s()<>]{1,3000})>?(?:\s+"[^"\n]{0,300}")?\s*\)/g,
    (match, bang: string, label: string, url: string) => {
      const link = slackLink(url, label || (bang ? 'image' : url));
      return link ? hold(link) : match;
    },
  );
  work = work.replace(/<((?:https?|mailto):[^\s<>]{1,3000})>/g, (match, url: string) => {
    const link = slackLink(url, '');
    return link ? hold(link) : match;
  });
  work = emphasis(escapeMrkdwn(decodeEntities(work)));
  return work.replace(new RegExp(`${TOKEN}(\\d+)${TOKEN}`, 'g'), (_m, i: string) => tokens[Number(i)] ?? '');
}

/** `code` spans: a run of n backticks up to the next run of exactly n. */
function cutCodeSpans(text: string, hold: (value: string) => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      out += text[i];
      i += 1;
      continue;
    }
    let n = 0;
    while (text[i + n] === '`') n += 1;
    const close = findRun(text, '`'.repeat(n), i + n);
    if (close < 0) {
      out += '`'.repeat(n);
      i += n;
      continue;
    }
    const code = text
      .slice(i + n, close)
      .replace(/`/g, 'ʼ')
      .trim();
    out += code === '' ? '' : hold(`\`${escapeMrkdwn(code)}\``);
    i = close + n;
  }
  return out;
}

function findRun(text: string, run: string, from: number): number {
  let at = text.indexOf(run, from);
  while (at >= 0) {
    const before = text[at - 1];
    const after = text[at + run.length];
    if (before !== '`' && after !== '`') return at;
    at = text.indexOf(run, at + 1);
  }
  return -1;
}

/** `<url|label>` for http(s)/mailto URLs; anything else stays text. */
function slackLink(rawUrl: string, rawLabel: string): string | undefined {
  const url = rawUrl.trim();
  if (!/^(https?:\/\/[^\s<>|]+|mailto:[^\s<>|]+)$/i.test(url)) return undefined;
  const label = stripInlineMarkup(rawLabel.replace(/\s+/g, ' ').trim());
  const safeUrl = url.replace(/&/g, '&amp;');
  if (!label || label === url) return `<${safeUrl}>`;
  return `<${safeUrl}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

function emphasis(text: string): string {
  const span = (marker: string) =>
    `(?=\\S)((?:[^${marker}\\n]|${marker}(?!${marker})){1,${MAX_SPAN}}?)(?<=\\S)`;
  return text
    .replace(new RegExp(`\\*\\*${span('\\*')}\\*\\*`, 'g'), `${BOLD}$1${BOLD}`)
    .replace(new RegExp(`(^|[^\\w])__${span('_')}__(?!\\w)`, 'g'), `$1${BOLD}$2${BOLD}`)
    .replace(new RegExp(`~~${span('~')}~~`, 'g'), '~$1~')
    .replace(
      new RegExp(`(^|[^\\w*])\\*([^\\s*](?:[^*\\n]{0,${MAX_SPAN}}?[^\\s*])?)\\*(?![\\w*])`, 'g'),
      '$1_$2_',
    )
    .replace(new RegExp(BOLD, 'g'), '*');
}

/** The few entities Markdown authors type; everything is re-escaped right after. */
function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
