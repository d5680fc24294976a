/**
 * The App Home tab: your recent requests and runs with their states, and the processes you may
 * request (with an example of how to ask).
 */
import type { types } from '@slack/bolt';
import type { RunSummary } from '../../../core/engine-api';
import type { ProcessDef, Requester } from '../../../core/types';
import { escapeMrkdwn, requestStateLabel, slackDate } from './format';
import { context, header, LIMITS, limitBlocks, section, truncate } from './limits';

const MAX_RUNS = 15;
const MAX_PROCESSES = 40;

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
  for (const process of input.processes.slice(0, MAX_PROCESSES)) blocks.push(section(processLine(process)));
  if (input.processes.length > MAX_PROCESSES) {
    blocks.push(context([`${input.processes.length - MAX_PROCESSES} more — see \`/flowdesk list\`.`]));
  }
  blocks.push(context(['`/flowdesk help` lists the commands.']));
  return { type: 'home', blocks: limitBlocks(blocks, LIMITS.viewBlocks) };
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
