/**
 * `ResultAnswerer` over an OpenAI-compatible Chat Completions endpoint (the router's client): sends
 * the messages the core built (run data fenced as data, capped) without tools, with the router's
 * deadline and retry policy, and returns the model's text. Errors leave as a log-safe
 * FlowdeskError (`llm_unavailable` / `llm_invalid_output`): provider messages can echo part of the
 * API key, so they are never passed on.
 */
import type OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { FlowdeskError } from '../../core/errors';
import type { ChatPromptMessage, Logger, ResultAnswerer, TokenUsage } from '../../core/ports';
import { attemptMs, minAttemptMs } from '../time-budget';
import { callWithRetry, defaultSleep, withDeadline } from './call-with-retry';
import { describeLlmError } from './describe-llm-error';
import { readUsage } from './read-usage';

export interface OpenAiResultAnswererOptions {
  client: OpenAI;
  model: string;
  logger: Logger;
  /** Per attempt. Default 20 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 1 (someone is waiting in the thread). */
  maxRetries?: number;
  /** Overall time for all attempts and back-off, as the router's. Default 20 000 ms. */
  budgetMs?: number;
  /** Longest answer (default 800 tokens: a few sentences or a short list). */
  maxTokens?: number;
  onUsage?: (usage: TokenUsage & { model: string }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export function createOpenAiResultAnswerer(options: OpenAiResultAnswererOptions): ResultAnswerer {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const logger = options.logger.child({ component: 'llm-result-answerer', model: options.model });
  const policy = {
    maxRetries: Math.max(0, options.maxRetries ?? 1),
    baseDelayMs: 500,
    maxDelayMs: 4_000,
    maxRetryAfterMs: 10_000,
    sleep: options.sleep ?? defaultSleep,
    random: Math.random,
    budgetMs: options.budgetMs ?? 20_000,
    minAttemptMs: minAttemptMs(timeoutMs),
  };
  return {
    async answer(messages: readonly ChatPromptMessage[]) {
      let completion: ChatCompletion;
      try {
        completion = await callWithRetry(
          (remainingMs) =>
            withDeadline(attemptMs(timeoutMs, remainingMs), (signal) =>
              options.client.chat.completions.create(
                {
                  model: options.model,
                  messages: messages.map((m) => ({ role: m.role, content: m.content })),
                  max_completion_tokens: options.maxTokens ?? 800,
                },
                { signal, timeout: timeoutMs + 1_000, maxRetries: 0 },
              ),
            ),
          policy,
          ({ attempt, delayMs, error }) =>
            logger.warn({ ...describeLlmError(error), attempt, delayMs }, 'LLM call failed: retrying'),
        );
      } catch (error) {
        const summary = describeLlmError(error);
        throw new FlowdeskError('llm_unavailable', `result answer: model call failed (${summary.error})`, {
          details: { ...summary },
        });
      }
      const usage = readUsage(completion);
      if (usage) options.onUsage?.({ ...usage, model: options.model });
      const message = Array.isArray(completion.choices) ? completion.choices[0]?.message : undefined;
      const content = typeof message?.content === 'string' ? message.content.trim() : '';
      if (!content) {
        throw new FlowdeskError('llm_invalid_output', 'result answer: the model gave no text', {
          details: { refusal: typeof message?.refusal === 'string' },
        });
      }
      return usage ? { markdown: content, usage } : { markdown: content };
    },
  };
}
