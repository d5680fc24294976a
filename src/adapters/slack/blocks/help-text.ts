/**
 * `/flowdesk help` (also shown for unknown sub-commands).
 */
import type { SlackMessage } from './confirmation-card';
import { escapeMrkdwn } from './format';
import { context, section } from './limits';

export const COMMAND_HELP: ReadonlyArray<{ usage: string; what: string; adminOnly?: boolean }> = [
  { usage: 'help', what: 'this help' },
  { usage: 'list', what: 'the processes you may request, with an example each' },
  { usage: 'runs', what: 'your recent requests and runs, and what waits for your approval' },
  { usage: 'runs all', what: "everyone's recent requests", adminOnly: true },
  { usage: 'status <request or run id>', what: 'the state of a request or flow run' },
  { usage: 'cancel <request or run id>', what: 'cancel a request, or its flow run' },
  { usage: 'approvals', what: 'requests waiting for your approval' },
  { usage: 'whoami', what: 'who flowdesk thinks you are' },
  { usage: 'reload', what: 're-read the process maps (a bad map keeps the old ones)', adminOnly: true },
];

export function helpMessage(command: string, isAdmin: boolean, unknown?: string): SlackMessage {
  const lines = COMMAND_HELP.filter((c) => isAdmin || !c.adminOnly).map(
    (c) => `• \`${command} ${c.usage}\` — ${c.what}${c.adminOnly ? ' _(admins)_' : ''}`,
  );
  const intro = unknown
    ? `I don't know \`${escapeMrkdwn(unknown)}\`. Here is what I can do:`
    : '*flowdesk commands*';
  return {
    text: `${intro}\n${lines.join('\n')}`,
    blocks: [
      section(`${intro}\n${lines.join('\n')}`),
      context(['To request something, just mention me or send me a DM in your own words.']),
    ],
  };
}
