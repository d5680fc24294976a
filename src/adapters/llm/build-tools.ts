/**
 * The function tools of one routing call: one per shortlisted process the requester may use (the pending
 * draft's process always included when it is one of them), never more than the provider's limit.
 */
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { RoutingInput, Shortlister } from '../../core/ports';
import type { JsonSchema, ProcessDef } from '../../core/types';
import { toStrictFunctionSchemaWithReport } from './strict-function-schema';
import { toolNameForProcess } from './tool-naming';

/** OpenAI's limit on `tools` per request. */
export const MAX_TOOLS = 128;
const MAX_DESCRIPTION_CHARS = 1000;
const MAX_EXAMPLES = 3;
/** How many earlier user turns help the shortlist understand a short follow-up ("make it staging"). */
const CONTEXT_TURNS_FOR_SHORTLIST = 2;

export interface OfferedTool {
  name: string;
  process: ProcessDef;
  /** The merged parameter schema the tool was built from (its property names filter the arguments). */
  schema: JsonSchema;
  tool: ChatCompletionFunctionTool;
  /** Parameters strict mode cannot express, left out of the tool (the engine asks for them). */
  dropped: string[];
}

/** The processes to offer, best first: top min(k, 128) of the candidates, plus the pending draft's. */
export function selectToolProcesses(input: RoutingInput, shortlister: Shortlister, k: number): ProcessDef[] {
  const limit = Math.max(1, Math.min(Math.floor(k), MAX_TOOLS));
  // Defence in depth: whatever the shortlister returns, only the candidates themselves can become tools.
  const byId = new Map(input.candidates.map((process) => [process.id, process]));
  const ranked = shortlister
    .shortlist(shortlistQuery(input), input.candidates, limit)
    .map((entry) => byId.get(entry.process.id))
    .filter((process): process is ProcessDef => process !== undefined);
  // A lexical shortlist can come back short on a paraphrase; the model is the one that understands those,
  // so fill up to the limit with the remaining candidates (the prompt's size stays flat either way).
  const selected = dedupe([...ranked, ...input.candidates]).slice(0, limit);
  const pending = input.pending && byId.get(input.pending.process.id);
  if (pending && !selected.includes(pending)) {
    selected.splice(Math.min(selected.length, limit - 1), selected.length, pending);
  }
  return selected;
}

export function buildOfferedTool(
  process: ProcessDef,
  schemas?: ReadonlyMap<string, JsonSchema>,
): OfferedTool {
  const schema = mergedSchemaFor(process, schemas);
  const strict = toStrictFunctionSchemaWithReport(schema, { nullableRequired: true });
  const name = toolNameForProcess(process.id);
  return {
    name,
    process,
    schema,
    dropped: strict.dropped,
    tool: {
      type: 'function',
      function: { name, description: toolDescription(process), parameters: strict.schema, strict: true },
    },
  };
}

/** The engine's merged schema when it gave one; otherwise the map's own parameters (dry run, eval). */
export function mergedSchemaFor(process: ProcessDef, schemas?: ReadonlyMap<string, JsonSchema>): JsonSchema {
  return (
    schemas?.get(process.id) ?? { type: 'object', properties: process.parameters, required: process.required }
  );
}

export function toolDescription(process: ProcessDef): string {
  const examples = process.examples.slice(0, MAX_EXAMPLES).map((example) => JSON.stringify(example));
  const parts = [`${process.title}: ${process.description.trim()}`];
  if (examples.length > 0) parts.push(`Examples: ${examples.join('; ')}`);
  const text = parts.join(' ');
  return text.length <= MAX_DESCRIPTION_CHARS ? text : `${text.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`;
}

function shortlistQuery(input: RoutingInput): string {
  const earlier = (input.context?.turns ?? [])
    .filter((turn) => turn.role === 'user' && turn.text.trim() !== input.text.trim())
    .slice(-CONTEXT_TURNS_FOR_SHORTLIST)
    .map((turn) => turn.text);
  return [...earlier, input.text].join('\n');
}

function dedupe(processes: ProcessDef[]): ProcessDef[] {
  const seen = new Set<string>();
  return processes.filter((process) => !seen.has(process.id) && Boolean(seen.add(process.id)));
}
