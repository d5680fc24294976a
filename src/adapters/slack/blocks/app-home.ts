/**
 * The App Home tab: your recent requests and runs with their states, and the processes you may
 * request (with an example of how to ask, and where it works when the map limits it to channels).
 */
import type { types } from '@slack/bolt';
import type { RunSummary } from '../../../core/engine-api';
import type { ProcessDef, Requester } from '../../../core/types';
import { escapeMrkdwn, requestStateLabel, slackDate } from './format';
import { context, header, LIMITS, limitBlocks, section, truncate } from './limits';

const MAX_RUNS = 15;
const MAX_PROCESSES = 40;
/** Channels named in a "Only in …" note before the rest become "and N more". */
const MAX_NOTE_CHANNELS = 5;
/** Blocks after the process list: "N more" and the help line. */
const FOOTER_BLOCKS = 2;

export interface AppHomeInput {
  user: Requester;
  runs: RunSummary[];
  processes: ProcessDef[];
  /** Shown when the data could not be loaded (store or engine down). */
  problem?: string;
}

export function appHomeView(input: AppHomeInput): types.HomeView {
  const blocks: types.KnownBlock[] = [
    header('flowdesk'),
    section(
      `Hi ${escapeMrkdwn(input.user.name)}! Ask me for things in plain words — mention me in a channel or send me a DM. ` +
        "I'll show what I'll run before anything starts.",
    ),
  ];
  if (input.problem) blocks.push(section(`:warning: ${escapeMrkdwn(input.problem)}`));

  blocks.push({ type: 'divider' }, header('Your recent requests'));
  if (input.runs.length === 0) blocks.push(context(['Nothing yet.']));
  for (const summary of input.runs.slice(0, MAX_RUNS)) blocks.push(section(runLine(summary)));

  blocks.push({ type: 'divider' }, header('What you can ask for'));
  if (input.processes.length === 0) blocks.push(context(['No processes are available to you here.']));
  blocks.push(...processBlocks(input.processes, LIMITS.viewBlocks - blocks.length - FOOTER_BLOCKS));
  blocks.push(context(['`/flowdesk help` lists the commands.']));
  return { type: 'home', blocks: limitBlocks(blocks, LIMITS.viewBlocks) };
}

/**
 * One section per process, plus a channel note where the map limits it, within `budget` blocks
 * (notes make some processes take two), so the "N more" line and the help line are never cut.
 */
function processBlocks(processes: ProcessDef[], budget: number): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [];
  let shown = 0;
  for (const process of processes.slice(0, MAX_PROCESSES)) {
    const note = channelNote(process);
    const next = note ? [section(processLine(process)), context([note])] : [section(processLine(process))];
    if (blocks.length + next.length > budget) break;
    blocks.push(...next);
    shown += 1;
  }
  if (shown < processes.length) {
    blocks.push(context([`${processes.length - shown} more — see \`/flowdesk list\`.`]));
  }
  return blocks;
}

/**
 * "Only in <#C1> and <#C2>" for a process the map limits to channels (it is refused in DMs and
 * elsewhere); undefined when it works everywhere. Slack renders `<#ID>` as the channel's name.
 */
export function channelNote(process: ProcessDef): string | undefined {
  // Ids are checked by the map schema; anything else is dropped rather than rendered as mrkdwn.
  const channels = (process.access?.channels ?? []).filter((id) => /^[CGD][A-Z0-9]+$/.test(id));
  if (channels.length === 0) return undefined;
  const named = channels.slice(0, MAX_NOTE_CHANNELS).map((id) => `<#${id}>`);
  const rest = channels.length - named.length;
  if (rest > 0) return `Only in ${named.join(', ')} and ${rest} more`;
  const last = named.pop();
  return named.length === 0 ? `Only in ${last}` : `Only in ${named.join(', ')} and ${last}`;
}

export function runLine(summary: RunSummary): string {
  const { request, process } = summary;
  const title = escapeMrkdwn(truncate(process?.title ?? request.processId, 150));
  const link = request.run?.url ? ` · <${request.run.url}|Prefect>` : '';
  return `${requestStateLabel(request)} · *${title}* · ${slackDate(request.createdAt)} · \`${escapeMrkdwn(request.id)}\`${link}`;
}

export function processLine(process: ProcessDef): string {
  const example = process.examples[0] ? `\n_e.g. “${escapeMrkdwn(truncate(process.examples[0], 200))}”_` : '';
  const approval = process.approval ? ' :lock:' : '';
  return `*${escapeMrkdwn(truncate(process.title, 150))}*${approval}\n${escapeMrkdwn(truncate(process.description.trim(), 600))}${example}`;
}
