/** Replies are retried as Bolt's client would: what may pass is retried, what will not is thrown. */
import { createRetryingChatApi } from '../../../src/adapters/slack/retrying-chat-api';
import { SlackCallError, type SlackChatApi } from '../../../src/adapters/slack/slack-chat-api';
import type { SlackErrorInfo } from '../../../src/adapters/slack/slack-errors';

/** A chat API failing with the scripted errors in turn, then answering ok. */
function scripted(failures: SlackErrorInfo[]) {
  const calls: string[] = [];
  const next = async (method: string) => {
    calls.push(method);
    const failure = failures.shift();
    if (failure) throw new SlackCallError(failure);
    return { ok: true, channel: 'C1', ts: '1.2' };
  };
  const api: SlackChatApi = {
    chat: {
      postMessage: () => next('postMessage'),
      postEphemeral: () => next('postEphemeral'),
      update: () => next('update'),
    },
  };
  return { api, calls };
}

function retrying(api: SlackChatApi, retries = 3) {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return {
    retried: createRetryingChatApi(api, { retries, minTimeoutMs: 500, maxTimeoutMs: 5000, sleep }),
    waits,
  };
}

describe('createRetryingChatApi', () => {
  it('waits out a rate limit, backs off after network errors and 5xx, then answers', async () => {
    const { api, calls } = scripted([
      { kind: 'rate_limited', code: 'ratelimited', retryAfter: 2 },
      { kind: 'network', code: 'socket hang up' },
      { kind: 'http', code: 'http_503' },
    ]);
    const { retried, waits } = retrying(api);
    await expect(retried.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({
      ts: '1.2',
    });
    expect(calls).toHaveLength(4);
    expect(waits).toEqual([2000, 1000, 2000]);
  });

  it('throws a permanent error at once', async () => {
    const { api, calls } = scripted([{ kind: 'platform', code: 'not_in_channel' }]);
    const { retried, waits } = retrying(api);
    await expect(retried.chat.update({ channel: 'C1', ts: '1', text: 'x' })).rejects.toBeInstanceOf(
      SlackCallError,
    );
    expect(calls).toEqual(['update']);
    expect(waits).toEqual([]);
  });

  it('gives up after its retries, and on a Retry-After too long for someone waiting', async () => {
    const network = { kind: 'network', code: 'ECONNRESET' } as const;
    const flaky = scripted([network, network, network]);
    const { retried } = retrying(flaky.api, 2);
    await expect(retried.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x' })).rejects.toThrow();
    expect(flaky.calls).toHaveLength(3);

    const limited = scripted([{ kind: 'rate_limited', code: 'ratelimited', retryAfter: 600 }]);
    const slow = retrying(limited.api);
    await expect(slow.retried.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toThrow();
    expect(slow.waits).toEqual([]);
  });
});
