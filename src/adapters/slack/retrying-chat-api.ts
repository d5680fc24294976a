/**
 * Replies to a person who is waiting are retried as Bolt's client would: a rate limit after its
 * Retry-After, a dropped connection or a 5xx after a back-off (min × 2^attempt, capped); a
 * permanent error (`not_in_channel`, `invalid_blocks`) is thrown at once.
 */
import type { SlackChatApi } from './slack-chat-api';
import { describeSlackError, isPermanentSlackError, retryWaitMs } from './slack-errors';

export interface ChatRetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const REPLY_RETRY: ChatRetryPolicy = { retries: 3, minTimeoutMs: 500, maxTimeoutMs: 5000 };

/** A Retry-After longer than this is not waited out for a reply (the call fails and is logged). */
const MAX_RETRY_AFTER_S = 60;

export function createRetryingChatApi(
  api: SlackChatApi,
  policy: ChatRetryPolicy = REPLY_RETRY,
): SlackChatApi {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function retried<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const info = describeSlackError(error);
        const wait = retryWaitMs(info, attempt, { baseMs: policy.minTimeoutMs, maxMs: policy.maxTimeoutMs });
        const tooLong = info.kind === 'rate_limited' && wait > MAX_RETRY_AFTER_S * 1000;
        if (attempt >= policy.retries || isPermanentSlackError(info) || tooLong) throw error;
        await sleep(wait);
      }
    }
  }

  return {
    chat: {
      postMessage: (args) => retried(() => api.chat.postMessage(args)),
      postEphemeral: (args) => retried(() => api.chat.postEphemeral(args)),
      update: (args) => retried(() => api.chat.update(args)),
    },
  };
}
