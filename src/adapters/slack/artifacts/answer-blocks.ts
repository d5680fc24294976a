/**
 * Replies to a question asked in a finished request's thread: the no-LLM `ResultAnswer` as blocks,
 * or a model's Markdown answer converted (the model is asked for Markdown so that whatever it
 * echoes from the run data is escaped here, never sent as raw mrkdwn).
 */
import type { types } from '@slack/bolt';
import type { RunLogLine } from '../../../core/ports';
import type { ArtifactBrief, ResultAnswer } from '../../../core/results/result-answer';
import { context, escapeMrkdwn, fallbackText, LIMITS, section, truncate } from '../blocks/limits';
import { renderArtifactBlocks, runLink } from './artifact-blocks';
import { markdownToMrkdwn } from './markdown-to-mrkdwn';
import { escapeCodeLine } from './monospace-table';
import { splitMrkdwn } from './split-text';

export interface AnswerMessage {
  text: string;
  blocks: types.KnownBlock[];
}

export interface AnswerOptions {
  runUrl?: string;
  /** Defaults to a whole message (50). */
  maxBlocks?: number;
}

const MAX_LOG_LINE = 400;
const MAX_LIST = 15;

export function answerBlocks(answer: ResultAnswer, options: AnswerOptions = {}): AnswerMessage {
  const max = Math.min(LIMITS.messageBlocks, options.maxBlocks ?? LIMITS.messageBlocks);
  const head: string[] = [`*${escapeMrkdwn(truncate(answer.headline, 300))}*`];
  if (answer.stateMessage)
    head.push(`> ${escapeMrkdwn(truncate(answer.stateMessage.replace(/\s+/g, ' '), 1000))}`);
  if (answer.summary) head.push(escapeMrkdwn(answer.summary));
  const blocks: types.KnownBlock[] = [section(head.join('\n'))];
  const logs = logSection(answer.logs);
  if (logs) blocks.push(logs);
  const showList = answer.artifacts.length === 0 && answer.artifactList.length > 0;
  if (showList && (answer.intent === 'summary' || answer.intent === 'overview')) {
    blocks.push(section(artifactList(answer.artifactList)));
  }
  if (answer.note) blocks.push(context([escapeMrkdwn(answer.note)]));
  const footer = options.runUrl ? 1 : 0;
  const room = max - blocks.length - footer;
  if (answer.artifacts.length > 0 && room > 0) {
    blocks.push(...renderArtifactBlocks(answer.artifacts, { runUrl: options.runUrl, maxBlocks: room }));
  }
  if (options.runUrl) blocks.push(context([runLink(options.runUrl, 'Open the run in Prefect')]));
  return { text: fallbackText(answer.headline), blocks: blocks.slice(0, max) };
}

/** A model's answer (Markdown) as sections, with the run link. */
export function modelAnswerBlocks(markdown: string, options: AnswerOptions = {}): AnswerMessage {
  const max = Math.min(LIMITS.messageBlocks, options.maxBlocks ?? LIMITS.messageBlocks);
  const footer = options.runUrl ? 1 : 0;
  const chunks = splitMrkdwn(markdownToMrkdwn(markdown).trim(), LIMITS.sectionText);
  const blocks: types.KnownBlock[] = chunks.slice(0, Math.max(1, max - footer)).map((c) => section(c));
  if (blocks.length === 0) blocks.push(section('_(no answer)_'));
  if (options.runUrl) blocks.push(context([runLink(options.runUrl, 'Open the run in Prefect')]));
  const plainText = String(markdown ?? '').replace(/\s+/g, ' ');
  return { text: fallbackText(plainText || 'Answer'), blocks: blocks.slice(0, max) };
}

/** Newest lines kept when the section is full. */
function logSection(logs: readonly RunLogLine[]): types.SectionBlock | undefined {
  if (logs.length === 0) return undefined;
  const budget = LIMITS.sectionText - 40;
  const lines: string[] = [];
  let used = 0;
  for (const line of [...logs].reverse()) {
    const text = escapeCodeLine(truncate(line.message.replace(/\r?\n/g, ' ⏎ '), MAX_LOG_LINE));
    if (used + text.length + 1 > budget) break;
    lines.unshift(text);
    used += text.length + 1;
  }
  return lines.length > 0 ? section(`*Log lines*\n\`\`\`\n${lines.join('\n')}\n\`\`\``) : undefined;
}

function artifactList(list: readonly ArtifactBrief[]): string {
  const lines = list.slice(0, MAX_LIST).map((a) => {
    const name = escapeMrkdwn(truncate(a.key ?? a.description ?? a.type, 100));
    return `• *${name}* (${escapeMrkdwn(a.type)}): ${escapeMrkdwn(truncate(a.preview, 150))}`;
  });
  if (list.length > MAX_LIST) lines.push(`… and ${list.length - MAX_LIST} more`);
  return `*Results*\n${lines.join('\n')}`;
}
