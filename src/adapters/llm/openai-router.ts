/**
 * The LLM router: one Chat Completions call (any OpenAI-compatible endpoint) with one strict function tool
 * per shortlisted process the requester may use. The model's answer is data (see parse-model-answer.ts);
 * when the model stays unavailable the fallback (local) router answers and the decision says so.
 */
import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import type {
  Logger,
  Router,
  RoutingDecision,
  RoutingInput,
  Shortlister,
  TokenUsage,
} from '../../core/ports';
import { extractSchedule } from '../../core/routing/extract-schedule';
import { attemptMs, minAttemptMs } from '../time-budget';
import { buildPromptMessages } from './build-prompt';
import { buildOfferedTool, type OfferedTool, selectToolProcesses } from './build-tools';
import { callWithRetry, defaultSleep, type RetryPolicy, withDeadline } from './call-with-retry';
import { describeLlmError } from './describe-llm-error';
import { decisionFromMessage } from './parse-model-answer';
import { readUsage } from './read-usage';

export const LLM_UNAVAILABLE_NOTICE =
  'The language model is unavailable right now, so I used the local router.';
export const NO_CANDIDATES_TEXT = 'There are no processes you can request here.';
const SUGGESTIONS = 3;

export interface OpenAiRouterOptions {
  client: OpenAI;
  model: string;
  shortlister: Shortlister;
  /** Answers when the model stays unavailable (the local router). */
  fallback: Router;
  /** Tools per call (capped at 128). Default 8. */
  k?: number;
  /** Per attempt. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Overall time for all attempts and back-off; then the local router answers. Default 20 000 ms. */
  budgetMs?: number;
  logger: Logger;
  /** Token accounting per request (metrics). */
  onUsage?: (usage: TokenUsage & { model: string }) => void;
  /** Injected by tests to make back-off instant. */
  sleep?: (ms: number) => Promise<void>;
  /** Back-off before the first retry (doubles each time, capped at 8 s). Default 500 ms. */
  retryBaseDelayMs?: number;
  /** The longest `retry-after` worth waiting for; longer means "unavailable". Default 20 000 ms. */
  maxRetryAfterMs?: number;
  /** Character budget for the thread's earlier turns. */
  maxContextChars?: number;
}

interface Settings {
  options: OpenAiRouterOptions;
  k: number;
  timeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
}

export function createOpenAiRouter(options: OpenAiRouterOptions): Router {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const settings: Settings = {
    options,
    k: options.k ?? 8,
    timeoutMs,
    retry: {
      maxRetries: Math.max(0, options.maxRetries ?? 2),
      baseDelayMs: options.retryBaseDelayMs ?? 500,
      maxDelayMs: 8_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 20_000,
      sleep: options.sleep ?? defaultSleep,
      random: Math.random,
      budgetMs: options.budgetMs ?? 20_000,
      minAttemptMs: minAttemptMs(timeoutMs),
    },
    logger: options.logger.child({ component: 'llm-router', model: options.model }),
  };
  return { route: (input) => routeWithModel(input, settings), callsOut: true };
}

async function routeWithModel(input: RoutingInput, settings: Settings): Promise<RoutingDecision> {
  if (input.candidates.length === 0) {
    return { kind: 'out_of_scope', suggestions: [], text: NO_CANDIDATES_TEXT, via: 'llm' };
  }
  const offered = selectToolProcesses(input, settings.options.shortlister, settings.k).map((process) =>
    buildOfferedTool(process, input.schemas),
  );
  const started = Date.now();
  let completion: ChatCompletion;
  try {
    completion = await callModel(input, offered, settings);
  } catch (error) {
    settings.logger.warn(
      { ...describeLlmError(error), tools: offered.length },
      'LLM unavailable: local router used',
    );
    return withNotice(await settings.options.fallback.route(input), LLM_UNAVAILABLE_NOTICE);
  }
  const usage = readUsage(completion);
  if (usage) settings.options.onUsage?.({ ...usage, model: settings.options.model });
  const { decision, problems } = decisionFromMessage(firstMessage(completion), {
    offered: new Map(offered.map((tool) => [tool.name, tool])),
    pending: input.pending,
    suggestions: offered.slice(0, SUGGESTIONS).map((tool) => tool.process.id),
  });
  if (problems.length > 0) settings.logger.warn({ problems }, 'LLM answer not usable as given');
  settings.logger.debug(
    { tools: offered.length, outcome: decision.kind, latencyMs: Date.now() - started, ...usage },
    'LLM routing decision',
  );
  const scheduled = withSchedule(decision, input);
  return usage ? { ...scheduled, usage } : scheduled;
}

/**
 * "Restart search tomorrow at 9": when to run is read from the user's own words by the local,
 * deterministic parser (requester's zone, DST-aware), never from the model, which has no say in it.
 * A time earlier today comes back in the past and the engine refuses it rather than run now.
 */
function withSchedule(decision: RoutingDecision, input: RoutingInput): RoutingDecision {
  if (decision.kind !== 'run') return decision;
  const at = extractSchedule(input.text, { now: input.now, tz: input.requester.tz });
  return at ? { ...decision, scheduledAt: at } : decision;
}

function callModel(input: RoutingInput, offered: OfferedTool[], settings: Settings): Promise<ChatCompletion> {
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: settings.options.model,
    messages: buildPromptMessages(input, { maxContextChars: settings.options.maxContextChars }),
    tools: offered.map((tool) => tool.tool),
    tool_choice: 'auto',
    parallel_tool_calls: false,
  };
  for (const tool of offered) {
    if (tool.dropped.length > 0) {
      settings.logger.debug(
        { tool: tool.name, dropped: tool.dropped },
        'parameters left out of a strict tool',
      );
    }
  }
  // Our own retry loop (not the SDK's) so back-off is logged, testable, and capped for a waiting user.
  return callWithRetry(
    (remainingMs) =>
      withDeadline(attemptMs(settings.timeoutMs, remainingMs), (signal) =>
        // The SDK's own timeout is only a backstop behind our deadline; its retries are off (ours are logged).
        settings.options.client.chat.completions.create(body, {
          signal,
          timeout: settings.timeoutMs + 1_000,
          maxRetries: 0,
        }),
      ),
    settings.retry,
    ({ attempt, delayMs, error }) =>
      settings.logger.warn({ ...describeLlmError(error), attempt, delayMs }, 'LLM call failed: retrying'),
  );
}

function firstMessage(completion: ChatCompletion) {
  return Array.isArray(completion.choices) ? completion.choices[0]?.message : undefined;
}

function withNotice(decision: RoutingDecision, notice: string): RoutingDecision {
  return { ...decision, notices: [...(decision.notices ?? []), notice] };
}
