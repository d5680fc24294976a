/**
 * `flowdesk chat`: a Hubot-shell style conversation with the engine over readline. Lines are
 * handled one after the other (so a piped script works), card buttons are pressed by number,
 * and at the end of input the session waits (bounded) for the runs it started to finish.
 */
import { createInterface } from 'node:readline';
import type { Engine } from '../../core/engine-api';
import { asFlowdeskError } from '../../core/errors';
import type { RunInputService } from '../../core/run-input/run-input-service';
import type { Requester, ThreadRef } from '../../core/types';
import { parseEdits } from './parse-edits';
import { bot } from './render-reply';
import { isAdmin, type SessionState, showReplies } from './session-state';
import { runSlashCommand } from './terminal-commands';

export interface TerminalSessionOptions {
  engine: Engine;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Writes one line to `output` (shared with the terminal notifier). */
  print: (line: string) => void;
  requester: Requester;
  thread: ThreadRef;
  admins: readonly string[];
  banner: string[];
  /** Show a prompt (a human at a TTY); otherwise typed lines are echoed so a transcript reads well. */
  interactive: boolean;
  /** Waits for the runs started in this session to finish (bounded) before the session ends. */
  settle?: (requestIds: string[]) => Promise<void>;
  /** Answers runs paused for input (`/input`); absent in dry run. */
  runInput?: Pick<RunInputService, 'inputForm' | 'submitInput'>;
}

const PROMPT = 'you> ';

export async function runTerminalSession(options: TerminalSessionOptions): Promise<void> {
  const { print } = options;
  for (const line of options.banner) print(line);
  const state: SessionState = { actor: options.requester, started: new Set(), quit: false };
  const rl = createInterface({ input: options.input, terminal: false });
  if (options.interactive) options.output.write(PROMPT);
  for await (const raw of rl) {
    if (!options.interactive) print(`${PROMPT}${raw}`);
    await handleLine(options, state, raw.trim());
    if (state.quit) break;
    if (options.interactive) options.output.write(PROMPT);
  }
  rl.close();
  if (state.started.size > 0 && options.settle) {
    print(bot('Waiting for the runs started in this session to finish…'));
    await options.settle([...state.started]);
  }
  print(bot('Bye.'));
}

async function handleLine(options: TerminalSessionOptions, state: SessionState, line: string): Promise<void> {
  try {
    if (state.editing) return await applyEdits(options, state, line);
    if (line === '') return;
    const button = /^([123])(?:\s+(.*))?$/.exec(line);
    if (state.card && button) return await pressButton(options, state, button[1], button[2] ?? '');
    if (line.startsWith('/') || line === 'exit' || line === 'quit')
      return await runSlashCommand(options, state, line);
    const replies = await options.engine.handleMessage({
      requester: state.actor,
      thread: options.thread,
      text: line,
    });
    showReplies(options.print, state, replies);
  } catch (error) {
    options.print(bot(`⚠️  ${asFlowdeskError(error).userMessage}`));
  }
}

async function pressButton(
  options: TerminalSessionOptions,
  state: SessionState,
  button: string,
  rest: string,
) {
  const action = {
    actor: state.actor,
    requestId: state.card!,
    channel: options.thread.channel,
    isAdmin: isAdmin(options.admins, state),
  };
  if (button === '1') return showReplies(options.print, state, await options.engine.confirm(action));
  if (button === '3') {
    const replies = await options.engine.cancel(action);
    state.card = undefined;
    return showReplies(options.print, state, replies);
  }
  const form = await options.engine.editForm(action);
  if (rest.trim() !== '') {
    state.editing = form.request.id;
    return applyEdits(options, state, rest);
  }
  const properties = (form.schema.properties ?? {}) as Record<
    string,
    { enum?: unknown[]; description?: string }
  >;
  for (const [name, prop] of Object.entries(properties)) {
    const current = form.request.parameters[name];
    const choices = prop.enum ? ` (one of: ${prop.enum.join(', ')})` : '';
    options.print(`   ${name} = ${current === undefined ? '—' : JSON.stringify(current)}${choices}`);
  }
  options.print(
    bot('Type the changes as name=value (e.g. environment=staging), or an empty line to keep them.'),
  );
  state.editing = form.request.id;
}

async function applyEdits(options: TerminalSessionOptions, state: SessionState, line: string): Promise<void> {
  const requestId = state.editing!;
  state.editing = undefined;
  const values = parseEdits(line);
  if (Object.keys(values).length === 0) {
    options.print(bot('No changes.'));
    return;
  }
  const result = await options.engine.submitEdit({
    actor: state.actor,
    requestId,
    values,
    channel: options.thread.channel,
    isAdmin: isAdmin(options.admins, state),
  });
  if (result.ok) return showReplies(options.print, state, result.replies);
  for (const [name, message] of Object.entries(result.errors)) options.print(bot(`✗ ${name} ${message}`));
  options.print(bot('Nothing was changed. Press 2 to try again.'));
}
