/**
 * Turns the model's answer into a routing decision. The answer is data: a tool we did not offer, arguments
 * that are not a JSON object, or keys the tool's schema does not declare never reach a run. The engine then
 * validates the remaining parameters against the merged schema and asks for what is missing or invalid.
 */
import type { ChatCompletionMessage } from 'openai/resources/chat/completions';
import type { RoutingDecision, RoutingInput } from '../../core/ports';
import type { ParameterValues } from '../../core/types';
import { NO_MATCH_MARKER } from './build-prompt';
import type { OfferedTool } from './build-tools';

export const UNKNOWN_TOOL_QUESTION =
  "I couldn't match that to a process I can run for you. Could you describe what you need in other words?";
export const EMPTY_ANSWER_QUESTION = 'Could you tell me a bit more about what you need?';
const MAX_TEXT_CHARS = 2000;

export interface AnswerContext {
  /** Offered tools by tool name. */
  offered: ReadonlyMap<string, OfferedTool>;
  pending?: RoutingInput['pending'];
  /** Closest processes (ids, best first) for an out-of-scope answer. */
  suggestions: string[];
}

export interface ParsedAnswer {
  decision: RoutingDecision;
  /** What was wrong with the answer, for the logs (never shown to the user). */
  problems: string[];
}

export function decisionFromMessage(
  message: ChatCompletionMessage | undefined,
  context: AnswerContext,
): ParsedAnswer {
  const problems: string[] = [];
  let unreadable: OfferedTool | undefined;
  let unknownTool = false;
  // Shapes are checked, not trusted: an "OpenAI-compatible" endpoint may send anything.
  const calls: unknown[] = Array.isArray(message?.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    const named = functionCall(call);
    const tool = named ? context.offered.get(named.name) : undefined;
    if (!named || !tool) {
      problems.push(
        named ? `unknown tool ${JSON.stringify(named.name.slice(0, 80))}` : 'malformed tool call',
      );
      unknownTool = true;
      continue;
    }
    const parsed = parseArguments(named.arguments);
    if (parsed === null) {
      problems.push(`unreadable arguments for ${tool.name}`);
      unreadable ??= tool;
      continue;
    }
    return { decision: runDecision(tool, parsed, context, problems), problems };
  }
  if (unreadable) return { decision: unreadableDecision(unreadable), problems };
  if (unknownTool) {
    return { decision: { kind: 'ask', question: UNKNOWN_TOOL_QUESTION, via: 'llm' }, problems };
  }
  return { decision: textDecision(message, context), problems };
}

/** `{type: 'function', function: {name, arguments}}` with string fields, or null. */
function functionCall(call: unknown): { name: string; arguments: unknown } | null {
  if (!isPlainObject(call) || call.type !== 'function' || !isPlainObject(call.function)) return null;
  const { name, arguments: args } = call.function;
  return typeof name === 'string' ? { name, arguments: args } : null;
}

function runDecision(
  tool: OfferedTool,
  values: Record<string, unknown>,
  context: AnswerContext,
  problems: string[],
): RoutingDecision {
  const declared = new Set(Object.keys(asRecord(tool.schema.properties)));
  const parameters: ParameterValues = {};
  for (const [key, value] of Object.entries(values)) {
    // Strict mode should prevent undeclared keys; a non-strict endpoint may not. They must never reach Prefect.
    if (!declared.has(key)) {
      problems.push(`dropped undeclared argument ${JSON.stringify(key.slice(0, 80))} for ${tool.name}`);
      continue;
    }
    const cleaned = withoutNulls(value);
    if (cleaned !== undefined) parameters[key] = cleaned;
  }
  const pending = context.pending;
  // A follow-up ("make it staging instead") may only name what changed: keep the draft's other values.
  const merged =
    pending?.process.id === tool.process.id ? { ...pending.parameters, ...parameters } : parameters;
  return { kind: 'run', processId: tool.process.id, parameters: merged, via: 'llm' };
}

function unreadableDecision(tool: OfferedTool): RoutingDecision {
  return {
    kind: 'ask',
    question: `I think you want “${tool.process.title}”, but I couldn't read the details. Could you give them again?`,
    processId: tool.process.id,
    via: 'llm',
  };
}

function textDecision(message: ChatCompletionMessage | undefined, context: AnswerContext): RoutingDecision {
  const refusal = typeof message?.refusal === 'string' ? message.refusal.trim() : '';
  if (refusal) {
    return { kind: 'out_of_scope', suggestions: context.suggestions, text: cap(refusal), via: 'llm' };
  }
  const text = typeof message?.content === 'string' ? message.content.trim() : '';
  const noMatch = new RegExp(`^${NO_MATCH_MARKER.replace(':', ':?')}\\s*`, 'i');
  if (noMatch.test(text)) {
    const explanation = text.replace(noMatch, '').trim();
    return {
      kind: 'out_of_scope',
      suggestions: context.suggestions,
      ...(explanation ? { text: cap(explanation) } : {}),
      via: 'llm',
    };
  }
  const question = text ? cap(text) : EMPTY_ANSWER_QUESTION;
  const pending = context.pending;
  // A question about the pending draft keeps it alive.
  return pending
    ? { kind: 'ask', question, processId: pending.process.id, parameters: pending.parameters, via: 'llm' }
    : { kind: 'ask', question, via: 'llm' };
}

/** The arguments as a JSON object, or null when they are not one. */
export function parseArguments(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string') return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isPlainObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** null means "not given" (nullable tool parameters): drop it, in nested objects too. */
function withoutNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? withoutNulls(item) : item));
  if (!isPlainObject(value)) return value;
  const entries = Object.entries(value)
    .map(([key, item]) => [key, withoutNulls(item)] as const)
    .filter(([, item]) => item !== undefined);
  return Object.fromEntries(entries);
}

function cap(text: string): string {
  return text.length <= MAX_TEXT_CHARS ? text : `${text.slice(0, MAX_TEXT_CHARS - 1)}…`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}
