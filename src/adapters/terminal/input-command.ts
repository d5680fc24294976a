/**
 * `/input [request id] name=value …`: answers a run paused for input from the terminal, through
 * the same run-input service as the Slack form. Without values it shows the form (the fields the
 * flow asks for); the request defaults to the last one shown in this session.
 */
import type { InputForm, InputSubmission, RunInputService } from '../../core/run-input/run-input-service';
import type { JsonSchema } from '../../core/types';
import { parseEdits } from './parse-edits';
import { bot } from './render-reply';
import type { SessionState } from './session-state';

export interface InputCommandContext {
  runInput?: Pick<RunInputService, 'inputForm' | 'submitInput'>;
  print: (line: string) => void;
  state: SessionState;
  isAdmin: boolean;
}

export async function runInputCommand(context: InputCommandContext, words: string[]): Promise<void> {
  const { print, state } = context;
  if (!context.runInput) {
    return print(bot('There is no Prefect here (dry run), so no run waits for input.'));
  }
  const named = words[0] !== undefined && !words[0].includes('=');
  const requestId = named ? words[0] : state.last;
  if (!requestId) return print(bot('Usage: /input [request id] name=value … (e.g. /input approved=true)'));
  const values = parseEdits((named ? words.slice(1) : words).join(' '));
  const options = { isAdmin: context.isAdmin };
  if (Object.keys(values).length === 0) {
    const form = await context.runInput.inputForm(state.actor, requestId, options);
    for (const line of describeForm(form)) print(line);
    return;
  }
  const result = await context.runInput.submitInput(state.actor, requestId, values, options);
  for (const line of describeSubmission(result)) print(line);
}

function describeForm(form: InputForm): string[] {
  const lines = [bot(`The run waits for your input${form.description ? `: ${form.description}` : '.'}`)];
  const properties = (form.schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(form.schema.required) ? form.schema.required.map(String) : []);
  for (const [name, property] of Object.entries(properties)) {
    const kind = Array.isArray(property.enum)
      ? `one of: ${property.enum.map(String).join(', ')}`
      : String(property.type ?? 'value');
    const notes = [kind, required.has(name) ? 'required' : 'optional'].join(', ');
    const about = typeof property.description === 'string' ? ` — ${property.description}` : '';
    lines.push(`   ${name} (${notes})${about}`);
  }
  const example = Object.keys(properties)[0] ?? 'name';
  lines.push(bot(`Answer with /input ${example}=… (several as name=value, separated by spaces).`));
  return lines;
}

function describeSubmission(result: InputSubmission): string[] {
  switch (result.outcome) {
    case 'accepted':
      return [bot(`▶️  ${result.message}`)];
    case 'aborted':
      return [bot(`⚠️  ${result.message}`)];
    default:
      return [
        ...Object.entries(result.errors).map(([name, message]) => bot(`✗ ${name} ${message}`)),
        bot(`${result.message} Try /input again.`),
      ];
  }
}
