/**
 * A local OpenAI-compatible server (`POST /v1/chat/completions`) for tests and benchmarks. It checks the
 * Bearer key, rejects what the real API rejects for tools (more than 128, bad names, non-strict schemas
 * under `strict: true`), answers with real Chat Completions shapes, and plays a queue of scripted answers.
 * Every request is recorded so tests can inspect the tools and messages sent.
 *
 * Token counts are an estimate: prompt_tokens = ceil(request body characters / 4), completion_tokens =
 * ceil(answer characters / 4). Lives under src/ because the benchmarks (compiled from src/) start it too;
 * tests import it through test/fakes/fake-openai-server.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isStrictCompatible } from '../../adapters/llm/strict-schema-check';
import { isValidToolName } from '../../adapters/llm/tool-naming';

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_TOOLS = 128;

export interface RecordedFunctionTool {
  type: string;
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface RecordedChatBody {
  model: string;
  messages: Array<{ role: string; content?: unknown; [key: string]: unknown }>;
  tools?: RecordedFunctionTool[];
  [key: string]: unknown;
}

export interface RecordedRequest {
  body: RecordedChatBody;
  /** Characters of the raw request body (the basis of the prompt token estimate). */
  chars: number;
  authorized: boolean;
}

/** What a scripted handler answers: an assistant message, a raw HTTP reply, or no reply for a while. */
export type FakeAnswer =
  | {
      content?: string | null;
      toolCalls?: Array<{ name: string; arguments: string | Record<string, unknown> }>;
      refusal?: string;
      finishReason?: 'stop' | 'tool_calls' | 'length' | 'content_filter';
    }
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { hangMs: number };

export type FakeHandler = (body: RecordedChatBody) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeOpenAiServerOptions {
  apiKey?: string;
  /** Reject more than 128 tools like the real API (benchmarks of "all tools" turn this off). */
  enforceToolLimit?: boolean;
  /** Answer used when the script queue is empty; default: a 500 saying nothing was scripted. */
  defaultAnswer?: FakeHandler;
}

export interface FakeOpenAiServer {
  /** For `new OpenAI({ baseURL })`, e.g. http://127.0.0.1:PORT/v1 */
  readonly baseURL: string;
  readonly apiKey: string;
  readonly requests: RecordedRequest[];
  reply(handler: FakeHandler): FakeOpenAiServer;
  toolCall(name: string, args: string | Record<string, unknown>): FakeOpenAiServer;
  text(content: string): FakeOpenAiServer;
  refusal(text: string): FakeOpenAiServer;
  status(code: number, retryAfterSeconds?: number): FakeOpenAiServer;
  hang(ms: number): FakeOpenAiServer;
  /** Scripted answers not consumed yet. */
  pendingScripts(): number;
  close(): Promise<void>;
}

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export async function startFakeOpenAiServer(
  options: FakeOpenAiServerOptions = {},
): Promise<FakeOpenAiServer> {
  const apiKey = options.apiKey ?? 'sk-test-fake-openai';
  const queue: FakeHandler[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state: ServerState = { apiKey, queue, requests, timers, options };
  const server = createServer((req, res) => {
    handle(req, res, state).catch(() => send(res, 500, errorBody('fake server failure', 'server_error')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeOpenAiServer = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    reply: (handler) => {
      queue.push(handler);
      return fake;
    },
    toolCall: (name, args) => fake.reply(() => ({ toolCalls: [{ name, arguments: args }] })),
    text: (content) => fake.reply(() => ({ content })),
    refusal: (text) => fake.reply(() => ({ refusal: text })),
    status: (code, retryAfterSeconds) =>
      fake.reply(() => ({
        status: code,
        body: errorBody(
          code === 429 ? 'Rate limit reached for requests' : 'The server had an error',
          statusType(code),
        ),
        headers: retryAfterHeaders(retryAfterSeconds),
      })),
    hang: (ms) => fake.reply(() => ({ hangMs: ms })),
    pendingScripts: () => queue.length,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

interface ServerState {
  apiKey: string;
  queue: FakeHandler[];
  requests: RecordedRequest[];
  timers: Set<NodeJS.Timeout>;
  options: FakeOpenAiServerOptions;
}

async function handle(req: IncomingMessage, res: ServerResponse, state: ServerState): Promise<void> {
  if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/chat/completions') {
    send(res, 404, errorBody(`Unknown request URL: ${req.method} ${req.url}`, 'invalid_request_error'));
    return;
  }
  const raw = await readBody(req);
  if (raw === null) {
    send(res, 413, errorBody('Request body too large', 'invalid_request_error'));
    return;
  }
  const authorized = req.headers.authorization === `Bearer ${state.apiKey}`;
  const body = parseChatBody(raw);
  if (body) state.requests.push({ body, chars: raw.length, authorized });
  if (!authorized) {
    send(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    return;
  }
  if (!body) {
    send(
      res,
      400,
      errorBody(
        "We could not parse the JSON body, or 'model'/'messages' is missing.",
        'invalid_request_error',
      ),
    );
    return;
  }
  const invalid = toolProblem(body, state.options.enforceToolLimit ?? true);
  if (invalid) {
    send(res, 400, errorBody(invalid.message, 'invalid_request_error', invalid.code));
    return;
  }
  const handler = state.queue.shift() ?? state.options.defaultAnswer ?? noScript;
  await answer(res, await handler(body), body, raw.length, state);
}

async function answer(
  res: ServerResponse,
  result: FakeAnswer,
  body: RecordedChatBody,
  chars: number,
  state: ServerState,
): Promise<void> {
  if ('hangMs' in result) {
    // Never answers within the client's timeout; the timer is cleared when the client gives up.
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      send(res, 200, completion(body, { content: 'late answer' }, chars));
    }, result.hangMs);
    state.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      state.timers.delete(timer);
    });
    return;
  }
  if ('status' in result) {
    send(res, result.status, result.body, result.headers);
    return;
  }
  send(res, 200, completion(body, result, chars));
}

function noScript(): FakeAnswer {
  return { status: 500, body: errorBody('fake OpenAI server: no scripted answer left', 'server_error') };
}

function completion(
  body: RecordedChatBody,
  result: Exclude<FakeAnswer, { status: number } | { hangMs: number }>,
  chars: number,
) {
  const toolCalls = (result.toolCalls ?? []).map((call) => ({
    id: `call_${randomBytes(12).toString('hex')}`,
    type: 'function' as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  const content = result.refusal ? null : (result.content ?? null);
  const answerChars =
    (content?.length ?? 0) +
    (result.refusal?.length ?? 0) +
    toolCalls.reduce((sum, call) => sum + call.function.name.length + call.function.arguments.length, 0);
  const promptTokens = estimateTokens(chars);
  const completionTokens = estimateTokens(answerChars);
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: result.refusal ?? null,
          annotations: [],
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: result.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

/** The request checks the real API makes on `tools` (messages as the API words them). */
function toolProblem(
  body: RecordedChatBody,
  enforceLimit: boolean,
): { message: string; code: string } | null {
  const tools = body.tools ?? [];
  if (enforceLimit && tools.length > MAX_TOOLS) {
    return {
      message: `Invalid 'tools': array too long. Expected an array with maximum length ${MAX_TOOLS}, but got an array with length ${tools.length} instead.`,
      code: 'array_above_max_length',
    };
  }
  for (const [index, tool] of tools.entries()) {
    const name = tool?.function?.name;
    if (typeof name !== 'string' || !isValidToolName(name)) {
      return {
        message: `Invalid 'tools[${index}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        code: 'invalid_value',
      };
    }
    if (tool.function.strict === true) {
      const violations = isStrictCompatible(tool.function.parameters ?? {});
      if (violations.length > 0) {
        return {
          message: `Invalid schema for function '${name}': ${violations[0]}`,
          code: 'invalid_function_parameters',
        };
      }
    }
  }
  return null;
}

function parseChatBody(raw: string): RecordedChatBody | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const body = value as RecordedChatBody;
    return typeof body.model === 'string' && Array.isArray(body.messages) ? body : null;
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_${randomBytes(8).toString('hex')}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function errorBody(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

function retryAfterHeaders(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

function statusType(code: number): string {
  if (code === 429) return 'requests';
  return code >= 500 ? 'server_error' : 'invalid_request_error';
}
