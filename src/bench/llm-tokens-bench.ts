/**
 * LLM prompt tokens per request as the catalog grows: the LLM router with its shortlist (k tools) against
 * the same prompt with every process as a tool, both sent to the fake OpenAI server started in-process.
 * The fake counts prompt tokens as ceil(request body characters / 4), an estimate that is fair for a
 * side-by-side comparison but is not a real tokenizer; each printed row says so.
 */
import OpenAI from 'openai';
import { buildPromptMessages, NO_MATCH_MARKER } from '../adapters/llm/build-prompt';
import { buildOfferedTool } from '../adapters/llm/build-tools';
import { createOpenAiRouter } from '../adapters/llm/openai-router';
import { FlowdeskError } from '../core/errors';
import type { Logger, Router, RoutingInput, Shortlister } from '../core/ports';
import type { ProcessDef } from '../core/types';
import { startFakeOpenAiServer } from './fakes/fake-openai-server';

export const TOKEN_ESTIMATE_NOTE =
  'prompt tokens estimated by the fake OpenAI server as ceil(request body chars / 4)';
const MODEL = 'bench-model';
const DEFAULT_REQUESTS = 20;

export interface LlmTokenBenchOptions {
  sizes: number[];
  catalogFor(size: number): readonly ProcessDef[];
  /** Shortlist size (default 8). */
  k?: number;
  /** The retriever to shortlist with; default a word-overlap scorer (the token count barely depends on it). */
  shortlister?: Shortlister;
  /** Requests to send per size; default the first example of up to 20 processes spread over the catalog. */
  requestsFor?(processes: readonly ProcessDef[]): string[];
  /** Where rows go, one JSON object per line (default stdout). */
  print?: (line: string) => void;
}

export interface LlmTokenBenchRow {
  processes: number;
  shortlist_prompt_tokens: number;
  all_tools_prompt_tokens: number;
  token_estimate: string;
}

export async function runLlmTokenBench(options: LlmTokenBenchOptions): Promise<LlmTokenBenchRow[]> {
  const server = await startFakeOpenAiServer({
    enforceToolLimit: false, // "every process as a tool" goes past OpenAI's 128 on purpose: it is the baseline
    defaultAnswer: () => ({ content: `${NO_MATCH_MARKER} benchmark` }),
  });
  const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, maxRetries: 0 });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const rows: LlmTokenBenchRow[] = [];
  try {
    for (const size of options.sizes) {
      const processes = options.catalogFor(size);
      const texts = (options.requestsFor ?? defaultRequests)(processes);
      const row: LlmTokenBenchRow = {
        processes: processes.length,
        shortlist_prompt_tokens: await shortlistTokens(client, processes, texts, options),
        all_tools_prompt_tokens: await allToolsTokens(client, processes, texts),
        token_estimate: TOKEN_ESTIMATE_NOTE,
      };
      rows.push(row);
      print(JSON.stringify(row));
    }
  } finally {
    await server.close();
  }
  return rows;
}

async function shortlistTokens(
  client: OpenAI,
  processes: readonly ProcessDef[],
  texts: string[],
  options: LlmTokenBenchOptions,
): Promise<number> {
  const counts: number[] = [];
  const router = createOpenAiRouter({
    client,
    model: MODEL,
    shortlister: options.shortlister ?? wordOverlapShortlister,
    fallback: failIfUsed,
    k: options.k ?? 8,
    maxRetries: 0,
    logger: silentLogger,
    onUsage: (usage) => counts.push(usage.promptTokens),
  });
  for (const text of texts) await router.route(benchInput(text, processes));
  return mean(counts);
}

async function allToolsTokens(
  client: OpenAI,
  processes: readonly ProcessDef[],
  texts: string[],
): Promise<number> {
  const tools = processes.map((process) => buildOfferedTool(process).tool);
  const counts: number[] = [];
  for (const text of texts) {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: buildPromptMessages(benchInput(text, processes)),
      tools,
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });
    counts.push(completion.usage?.prompt_tokens ?? 0);
  }
  return mean(counts);
}

function benchInput(text: string, candidates: readonly ProcessDef[]): RoutingInput {
  return {
    text,
    requester: { id: 'UBENCH', name: 'Bench User', tz: 'UTC' },
    thread: { channel: 'bench', threadTs: '1', isDm: true },
    context: null,
    candidates,
    now: new Date('2025-06-10T09:00:00.000Z'),
  };
}

function defaultRequests(processes: readonly ProcessDef[]): string[] {
  const count = Math.min(DEFAULT_REQUESTS, processes.length);
  const step = processes.length / Math.max(1, count);
  return Array.from({ length: count }, (_, index) => {
    const process = processes[Math.floor(index * step)];
    return process.examples[0] ?? process.title;
  });
}

const wordOverlapShortlister: Shortlister = {
  shortlist(text, candidates, k) {
    const words = wordsOf(text);
    return candidates
      .map((process) => {
        const own = wordsOf(`${process.title} ${process.description} ${process.examples.join(' ')}`);
        return { process, score: [...words].filter((word) => own.has(word)).length };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  },
};

function wordsOf(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 2),
  );
}

const failIfUsed: Router = {
  route: async () => {
    throw new FlowdeskError('internal', 'llm token bench: the fake OpenAI server did not answer');
  },
};

const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

function mean(values: number[]): number {
  return values.length === 0 ? 0 : Math.round(values.reduce((sum, value) => sum + value, 0) / values.length);
}
