/**
 * The reply posted when a run reaches a terminal state. It mentions the requester; on success it
 * shows the map's summary and the run's artifacts (rendered by ../artifacts), on failure the state
 * message and the last error log lines, because that is what people need first.
 */
import type { types } from '@slack/bolt';
import type { RunArtifact, RunLogLine } from '../../../core/ports';
import type { ProcessDef, RequestRecord } from '../../../core/types';
import { resultArtifactBlocks, summaryMrkdwn } from '../artifacts/result-blocks';
import type { SlackMessage } from './confirmation-card';
import { elapsedMs, escapeMrkdwn, formatDuration, mention, stateEmoji } from './format';
import { context, fallbackText, LIMITS, limitBlocks, section, truncate } from './limits';

const MAX_LOG_LINES = 15;
const MAX_LOG_LINE = 400;
/** Prefect log levels: 40 = ERROR, 30 = WARNING. */
const ERROR_LEVEL = 40;

export interface ResultInput {
  request: RequestRecord;
  process: ProcessDef | undefined;
  logs: RunLogLine[];
  artifacts: RunArtifact[];
  now: Date;
}

export function resultMessage(input: ResultInput): SlackMessage {
  const { request, process } = input;
  const title = escapeMrkdwn(truncate(process?.title ?? request.processId, 200));
  const state = request.run?.state;
  const type = state?.type ?? 'COMPLETED';
  const who = mention(request.requester.id);
  const took = request.run ? ` in ${formatDuration(elapsedMs(request, input.now))}` : '';
  const blocks: types.KnownBlock[] = [];

  if (type === 'COMPLETED') {
    const summary = summaryMrkdwn(process, request, input.artifacts);
    blocks.push(
      section(`${stateEmoji(type)} ${who} *${title}* completed${took}.${summary ? `\n${summary}` : ''}`),
    );
    // The artifacts get what is left of the message once the heading and the run link are in.
    const rendered = resultArtifactBlocks({
      process,
      artifacts: input.artifacts,
      maxBlocks: LIMITS.messageBlocks - 2,
      ...(request.run?.url ? { runUrl: request.run.url } : {}),
    });
    blocks.push(...rendered.blocks);
  } else if (type === 'CANCELLED') {
    blocks.push(section(`${stateEmoji(type)} ${who} *${title}* was cancelled${took}.`));
  } else {
    const verb = type === 'CRASHED' ? 'crashed' : 'failed';
    const message = state?.message
      ? `\n> ${escapeMrkdwn(truncate(state.message.replace(/\s+/g, ' '), 1000))}`
      : '';
    blocks.push(section(`${stateEmoji(type)} ${who} *${title}* ${verb}${took}.${message}`));
    const logBlock = errorLogBlock(input.logs);
    if (logBlock) blocks.push(logBlock);
  }
  if (request.run?.url) blocks.push(context([`<${request.run.url}|Open the run in Prefect>`]));
  const outcome =
    type === 'COMPLETED'
      ? 'completed'
      : type === 'CANCELLED'
        ? 'was cancelled'
        : `ended ${state?.name ?? type}`;
  return {
    // The mention in the fallback text is what notifies the requester.
    text: fallbackText(`${who} ${process?.title ?? request.processId} ${outcome}`),
    blocks: limitBlocks(blocks, LIMITS.messageBlocks),
  };
}

/** The last error lines (falling back to the last lines of any level) as a code block. */
export function errorLogBlock(logs: RunLogLine[]): types.SectionBlock | undefined {
  if (logs.length === 0) return undefined;
  const errors = logs.filter((l) => l.level >= ERROR_LEVEL);
  const chosen = (errors.length > 0 ? errors : logs).slice(-MAX_LOG_LINES);
  const budget = LIMITS.sectionText - 40;
  const lines: string[] = [];
  let used = 0;
  // Newest lines matter most: fill the budget from the end, then restore order.
  for (const line of [...chosen].reverse()) {
    const text = codeSafe(truncate(line.message.replace(/\r?\n/g, ' ⏎ '), MAX_LOG_LINE));
    if (used + text.length + 1 > budget) break;
    lines.unshift(text);
    used += text.length + 1;
  }
  if (lines.length === 0) return undefined;
  return section(`*Last log lines*\n\`\`\`${lines.join('\n')}\`\`\``);
}

/** Inside a code block only the fence and the mrkdwn control characters need care. */
function codeSafe(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, "'''");
}
