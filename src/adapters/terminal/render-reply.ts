/** Engine replies as terminal text: cards as boxes with numbered buttons, the rest as bot lines. */
import type { Reply } from '../../core/engine-api';
import type { JsonSchema, ProcessDef, RequestRecord } from '../../core/types';
import { renderResultAnswer } from './render-result-answer';
import { textBox } from './text-box';

export const BUTTONS = '[1] Run   [2] Edit   [3] Cancel';

export function renderReply(reply: Reply): string[] {
  switch (reply.kind) {
    case 'confirmation':
      return renderConfirmation(reply.request, reply.process, reply.schema, reply.dryRun);
    case 'status':
      return [renderStatusLine(reply.request, reply.process)];
    case 'out_of_scope':
      return [
        bot(reply.text),
        ...reply.suggestions.map((s) => `   • ${s.title}${s.example ? ` — e.g. “${s.example}”` : ''}`),
      ];
    case 'denied':
      return [bot(`⛔ ${reply.text}`)];
    case 'error':
      return [bot(`⚠️  ${reply.text}`)];
    case 'result_answer':
      return renderResultAnswer(reply);
    default:
      return [bot(reply.text)];
  }
}

export function renderConfirmation(
  request: RequestRecord,
  process: ProcessDef,
  schema: JsonSchema,
  dryRun: boolean,
): string[] {
  const lines = [firstSentence(process.description), `Will start: ${process.deployment}`];
  if (request.scheduledAt) lines.push(`When: ${formatTime(request.scheduledAt, request.requester.tz)}`);
  if (process.approval) lines.push(`Needs approval (${process.approval.minApprovals}) before it starts.`);
  if (dryRun) lines.push('Dry run: nothing will be started.');
  lines.push('');
  lines.push(...parameterLines(request.parameters, schema));
  lines.push('', `Request ${request.id}`, BUTTONS);
  return textBox(process.title, lines);
}

function parameterLines(values: Record<string, unknown>, schema: JsonSchema): string[] {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const names = [...new Set([...Object.keys(properties), ...Object.keys(values)])].filter(
    (n) => values[n] !== undefined,
  );
  if (names.length === 0) return ['(no parameters)'];
  const width = Math.max(...names.map((name) => name.length));
  return names.map((name) => `${name.padEnd(width)}  ${formatValue(values[name])}`);
}

export function renderStatusLine(request: RequestRecord, process: ProcessDef): string {
  if (request.status === 'awaiting_approval') {
    const needed = process.approval?.minApprovals ?? 1;
    return bot(
      `⏳ “${process.title}” is waiting for approval (${request.approvals.length} of ${needed}), request ${request.id}.`,
    );
  }
  const run = request.run;
  if (!run) return bot(`“${process.title}” is ${request.status.replace(/_/g, ' ')}.`);
  return bot(
    `🚀 Started “${process.title}”: run ${run.flowRunName ?? run.flowRunId} (${run.state.name}) ${run.url}`,
  );
}

export function bot(text: string): string {
  return `flowdesk> ${slackToPlain(text)}`;
}

/** `<@U123>` mentions and `<!subteam^S1>` groups read as @U123 / @S1 in a terminal. */
export function slackToPlain(text: string): string {
  return text.replace(/<@([A-Z0-9]+)>/g, '@$1').replace(/<!subteam\^([A-Z0-9]+)(\|[^>]*)?>/g, '@$1');
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function firstSentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const end = trimmed.search(/[.!?](\s|$)/);
  return end === -1 ? trimmed : trimmed.slice(0, end + 1);
}

export function formatTime(iso: string, tz: string): string {
  try {
    return `${new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: tz,
    }).format(new Date(iso))} (${tz})`;
  } catch {
    return iso;
  }
}

/** A line printer over a stream (the session and the notifier share one). */
export function createPrinter(output: NodeJS.WritableStream): (line: string) => void {
  return (line) => {
    output.write(`${line}\n`);
  };
}
