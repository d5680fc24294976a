/**
 * An answer about a finished run as terminal lines: the model's Markdown as it is, or the
 * structured answer (headline, state message, summary, log lines, artifacts, note) as text.
 */
import type { Reply } from '../../core/engine-api';
import { artifactKind, artifactValue } from '../../core/results/artifact-values';
import type { ResultAnswer } from '../../core/results/result-answer';
import { bot } from './render-reply';

const MAX_LINE = 300;

export function renderResultAnswer(reply: Extract<Reply, { kind: 'result_answer' }>): string[] {
  const lines =
    reply.answer.via === 'model' ? modelLines(reply.answer.markdown) : structuredLines(reply.answer.result);
  if (reply.runUrl) lines.push(`   ${reply.runUrl}`);
  return lines;
}

function modelLines(markdown: string): string[] {
  const lines = markdown
    .split(/\r?\n/)
    .map((line) => clip(line.trimEnd()))
    .filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''));
  const [first = '', ...rest] = lines;
  return [bot(first), ...rest.map((line) => (line ? `   ${line}` : ''))];
}

function structuredLines(answer: ResultAnswer): string[] {
  const lines = [bot(answer.headline)];
  if (answer.stateMessage) lines.push(`   > ${clip(oneLine(answer.stateMessage))}`);
  if (answer.summary) lines.push(`   ${clip(answer.summary)}`);
  for (const log of answer.logs) lines.push(`   | ${clip(oneLine(log.message))}`);
  for (const artifact of answer.artifacts) {
    const kind = artifactKind(artifact);
    const name = artifact.key ?? artifact.description ?? kind;
    lines.push(`   📎 ${clip(`${name} (${kind}): ${oneLine(artifactValue(artifact))}`)}`);
  }
  if (answer.artifacts.length === 0) {
    for (const brief of answer.artifactList) {
      lines.push(`   📎 ${clip(`${brief.key ?? brief.type} (${brief.type}): ${brief.preview}`)}`);
    }
  }
  if (answer.note) lines.push(`   ${clip(answer.note)}`);
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}
