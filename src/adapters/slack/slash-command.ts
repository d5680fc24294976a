/**
 * `/flowdesk` sub-commands: parsing (pure) and execution against the engine. Rendering returns a
 * Slack message that the command listener sends back privately (response_url).
 */
import type { Engine, RunSummary } from '../../core/engine-api';
import { asFlowdeskError } from '../../core/errors';
import type { ProcessDef, Requester } from '../../core/types';
import { processLine, runLine } from './blocks/app-home';
import type { SlackMessage } from './blocks/confirmation-card';
import { escapeMrkdwn, mention } from './blocks/format';
import { helpMessage } from './blocks/help-text';
import { context, LIMITS, limitBlocks, section, truncate } from './blocks/limits';
import { combineMessages, repliesMessage } from './blocks/reply-message';
import { errorMessage, textMessage } from './blocks/simple-messages';
import { statusCard } from './blocks/status-card';
import type { PendingApprovals } from './pending-approvals';

export type SlashCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'runs'; all: boolean }
  | { kind: 'status'; id: string }
  | { kind: 'cancel'; id: string }
  | { kind: 'reload' }
  | { kind: 'whoami' }
  | { kind: 'approvals' }
  | { kind: 'unknown'; input: string }
  | { kind: 'missing_argument'; command: 'status' | 'cancel' };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function parseSlashCommand(text: string): SlashCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  const sub = (first ?? 'help').toLowerCase();
  switch (sub) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'list':
      return rest.length === 0 ? { kind: 'list' } : unknown(text);
    case 'runs':
      if (rest.length === 0) return { kind: 'runs', all: false };
      return rest.length === 1 && rest[0].toLowerCase() === 'all'
        ? { kind: 'runs', all: true }
        : unknown(text);
    case 'status':
    case 'cancel': {
      if (rest.length === 0) return { kind: 'missing_argument', command: sub };
      const id = rest[0].replace(/^`|`$/g, '');
      return rest.length === 1 && ID_PATTERN.test(id) ? { kind: sub, id } : unknown(text);
    }
    case 'reload':
    case 'whoami':
    case 'approvals':
      return rest.length === 0 ? { kind: sub } : unknown(text);
    default:
      return unknown(text);
  }
}

function unknown(text: string): SlashCommand {
  return { kind: 'unknown', input: truncate(text.trim(), 100) };
}

export interface ReloadProblem {
  file?: string;
  line?: number;
  message: string;
}

export interface ReloadResult {
  ok: boolean;
  problems: Array<ReloadProblem | string>;
  /** Number of processes loaded (when known). */
  processes?: number;
}

export interface SlashCommandContext {
  command: string;
  engine: Engine;
  actor: Requester;
  isAdmin: boolean;
  channel?: string;
  now: Date;
  catalogReload?: () => Promise<ReloadResult>;
  pendingApprovals?: PendingApprovals;
}

export async function executeSlashCommand(
  cmd: SlashCommand,
  ctx: SlashCommandContext,
): Promise<SlackMessage> {
  try {
    return await execute(cmd, ctx);
  } catch (error) {
    return errorMessage(asFlowdeskError(error).userMessage);
  }
}

async function execute(cmd: SlashCommand, ctx: SlashCommandContext): Promise<SlackMessage> {
  switch (cmd.kind) {
    case 'help':
      return helpMessage(ctx.command, ctx.isAdmin);
    case 'unknown':
      return helpMessage(ctx.command, ctx.isAdmin, cmd.input);
    case 'missing_argument':
      return errorMessage(`Which one? Usage: ${ctx.command} ${cmd.command} <request or run id>`);
    case 'list':
      return listMessage(await ctx.engine.listProcesses(ctx.actor, ctx.channel));
    case 'runs':
      if (cmd.all && !ctx.isAdmin) return errorMessage("Only admins can list everyone's runs. Try `runs`.");
      return runsWithApprovals(ctx, cmd.all);
    case 'status': {
      const summary = await ctx.engine.status(ctx.actor, cmd.id, ctx.isAdmin);
      return statusCard(summary.request, summary.process, ctx.now);
    }
    case 'cancel': {
      const summary = await ctx.engine.status(ctx.actor, cmd.id, ctx.isAdmin);
      const replies = await ctx.engine.cancel({
        actor: ctx.actor,
        requestId: summary.request.id,
        channel: ctx.channel,
        isAdmin: ctx.isAdmin,
      });
      if (replies.length === 0) return textMessage('Done.');
      return repliesMessage(replies, ctx.now);
    }
    case 'reload':
      return reloadMessage(ctx);
    case 'whoami':
      return whoamiMessage(ctx.actor, ctx.isAdmin);
    case 'approvals':
      if (!ctx.pendingApprovals) return errorMessage('Approvals are not available right now.');
      return runsMessage(await ctx.pendingApprovals(ctx.actor), 'Waiting for your approval', true);
  }
}

/**
 * `runs`: the actor's requests (everyone's with `all`), then what waits for approval — the ones the
 * actor may approve, or, for admins, every request waiting for an approver.
 */
async function runsWithApprovals(ctx: SlashCommandContext, all: boolean): Promise<SlackMessage> {
  const runs = runsMessage(
    await ctx.engine.listRuns(ctx.actor, { all, isAdmin: ctx.isAdmin, limit: 20 }),
    all ? 'Recent requests (everyone)' : 'Your recent requests',
  );
  const waiting = ctx.pendingApprovals ? await ctx.pendingApprovals(ctx.actor, { all: ctx.isAdmin }) : [];
  if (waiting.length === 0) return runs;
  const title = ctx.isAdmin ? 'Waiting for approval' : 'Waiting for your approval';
  return combineMessages([runs, runsMessage(waiting.slice(0, 20), title, true)]);
}

function listMessage(processes: readonly ProcessDef[]): SlackMessage {
  if (processes.length === 0) return textMessage('There is nothing you can request here yet.');
  const blocks = [section('*What you can ask for*'), ...processes.map((p) => section(processLine(p)))];
  return {
    text: `You can request: ${processes.map((p) => p.title).join(', ')}`.slice(0, LIMITS.messageText),
    blocks: limitBlocks(blocks, LIMITS.messageBlocks),
  };
}

function runsMessage(runs: RunSummary[], title: string, withRequester = false): SlackMessage {
  if (runs.length === 0) return textMessage(`${title}: nothing.`);
  const line = (r: RunSummary) =>
    withRequester ? `${runLine(r)} · requested by ${mention(r.request.requester.id)}` : runLine(r);
  const blocks = [section(`*${escapeMrkdwn(title)}*`), ...runs.map((r) => section(line(r)))];
  return { text: `${title}: ${runs.length}`, blocks: limitBlocks(blocks, LIMITS.messageBlocks) };
}

async function reloadMessage(ctx: SlashCommandContext): Promise<SlackMessage> {
  if (!ctx.isAdmin) return errorMessage('Only admins can reload the process maps.');
  if (!ctx.catalogReload) return errorMessage('Reloading is not available in this deployment.');
  const result = await ctx.catalogReload();
  if (result.ok) {
    const count = result.processes === undefined ? '' : ` ${result.processes} processes loaded.`;
    return textMessage(`:white_check_mark: Process maps reloaded.${count}`);
  }
  const lines = result.problems.map(formatProblem);
  const body = truncate(lines.join('\n'), LIMITS.sectionText - 200).replace(/```/g, "'''");
  return {
    text: `Reload failed; the previous maps are still in use. ${lines.length} problem(s).`,
    blocks: [
      section(':x: *Reload failed* — the previous process maps are still in use.'),
      section(`\`\`\`${escapeMrkdwn(body)}\`\`\``),
      context([`${lines.length} problem(s). Fix them and run reload again.`]),
    ],
  };
}

export function formatProblem(problem: ReloadProblem | string): string {
  if (typeof problem === 'string') return problem;
  const where = problem.file
    ? `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: `
    : '';
  return `${where}${problem.message}`;
}

function whoamiMessage(actor: Requester, isAdmin: boolean): SlackMessage {
  const lines = [
    `*Name:* ${escapeMrkdwn(actor.name)}`,
    `*Slack id:* \`${escapeMrkdwn(actor.id)}\``,
    `*E-mail:* ${actor.email ? escapeMrkdwn(actor.email) : '_unknown_'}`,
    `*Time zone:* ${escapeMrkdwn(actor.tz)}`,
    `*Admin:* ${isAdmin ? 'yes' : 'no'}`,
  ];
  return { text: `You are ${actor.name} (${actor.id})`, blocks: [section(lines.join('\n'))] };
}
