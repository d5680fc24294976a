import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { TokenUsage } from '../../core/ports';

/** The token counts of a completion; undefined when the server sent none. */
export function readUsage(completion: ChatCompletion): TokenUsage | undefined {
  const usage = completion.usage;
  // Some OpenAI-compatible servers omit usage or send partial counts.
  if (typeof usage?.prompt_tokens !== 'number') return undefined;
  const completionTokens = typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0;
  return { promptTokens: usage.prompt_tokens, completionTokens };
}
