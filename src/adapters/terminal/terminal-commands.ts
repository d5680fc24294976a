/** Slash commands of the terminal chat, mirroring `/flowdesk` in Slack plus a few shell helpers. */
import type { RunSummary } from '../../core/engine-api';
import { runInputCommand } from './input-command';
import { bot } from './render-reply';
import { isAdmin, type SessionState, showReplies } from './session-state';
import type { TerminalSessionOptions } from './terminal-session';

export const HELP = [
  'Type a request in your own words, e.g. “my vpn keeps disconnecting”.',
  'On a card: 1 = Run, 2 = Edit (then name=value), 3 = Cancel.',
  'Commands: /list  /runs [all]  /status [id]  /cancel [id]  /approve [id]  /reject <id> [reason]',
  '          /input [id] [name=value …]  (answer a run paused for input; without values: show its form)',
  '          ([id] defaults to the last request shown here)',
  '          /as <user>  (act as another user, e.g. an approver)  /whoami  /help  /quit',
];

const NEEDS_ID = new Set(['status', 'cancel', 'approve', 'reject']);

export async function runSlashCommand(
  options: TerminalSessionOptions,
  state: SessionState,
  line: string,
): Promise<void> {
  const [command, ...words] = line.replace(/^\//, '').split(/\s+/);
  // Commands on a request default to the last one shown in this session.
  const args = NEEDS_ID.has(command) && words.length === 0 && state.last ? [state.last] : words;
  const { engine, print } = options;
  const admin = isAdmin(options.admins, state);
  const action = (requestId: string) => ({
    actor: state.actor,
    requestId,
    channel: options.thread.channel,
    isAdmin: admin,
  });
  switch (command) {
    case 'help':
      return printAll(print, HELP);
    case 'quit':
    case 'exit':
      state.quit = true;
      return;
    case 'whoami':
      return print(bot(`You are ${state.actor.name} (${state.actor.id})${admin ? ', an admin' : ''}.`));
    case 'as':
      if (!args[0]) return print(bot('Usage: /as <user id>'));
      state.actor = { id: args[0], name: args[0], tz: state.actor.tz };
      return print(bot(`Now acting as ${args[0]}.`));
    case 'list': {
      const processes = await engine.listProcesses(state.actor, options.thread.channel);
      if (processes.length === 0) return print(bot('There are no processes you can request here.'));
      return printAll(
        print,
        processes.map((p) => `• ${p.title} (${p.id})${p.examples[0] ? ` — e.g. “${p.examples[0]}”` : ''}`),
      );
    }
    case 'runs': {
      const runs = await engine.listRuns(state.actor, { all: args[0] === 'all', isAdmin: admin });
      if (runs.length === 0) return print(bot('No requests yet.'));
      return printAll(print, runs.map(describeSummary));
    }
    case 'status':
      if (!args[0]) return print(bot('Usage: /status <request or run id>'));
      return print(bot(describeSummary(await engine.status(state.actor, args[0], admin))));
    case 'cancel':
      if (!args[0]) return print(bot('Usage: /cancel <request id>'));
      return showReplies(print, state, await engine.cancel(action(args[0])));
    case 'approve':
      if (!args[0]) return print(bot('Usage: /approve <request id>'));
      return showReplies(print, state, await engine.approve(action(args[0])));
    case 'input':
      return runInputCommand(
        { ...(options.runInput ? { runInput: options.runInput } : {}), print, state, isAdmin: admin },
        words,
      );
    case 'reject':
      if (!args[0]) return print(bot('Usage: /reject <request id> [reason]'));
      return showReplies(
        print,
        state,
        await engine.reject({ ...action(args[0]), reason: args.slice(1).join(' ') }),
      );
    default:
      return print(bot(`Unknown command /${command}. Type /help.`));
  }
}

function describeSummary({ request, process }: RunSummary): string {
  const title = process?.title ?? request.processId;
  const run = request.run
    ? ` — run ${request.run.flowRunName ?? request.run.flowRunId}: ${request.run.state.name} ${request.run.url}`
    : '';
  const reason = request.closedReason ? ` (${request.closedReason})` : '';
  return `${request.id}  ${title}: ${request.status.replace(/_/g, ' ')}${reason}${run}`;
}

function printAll(print: (line: string) => void, lines: string[]): void {
  for (const line of lines) print(bot(line));
}
