/**
 * The Web API calls of the notifier (chat.postMessage, chat.update, chat.postEphemeral) as plain JSON
 * POSTs over a keep-alive agent. Bolt's WebClient spends about four times the CPU per call (request
 * queue, retry wrapper, axios, form encoding), which showed under bursts of run updates; and the
 * delivery never wanted its queue or retries (it schedules its own). Failures are SlackCallErrors that
 * describeSlackError reads like WebClient's.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SlackErrorInfo } from './slack-errors';

type Args = Record<string, unknown>;

export interface SlackChatApi {
  chat: {
    postMessage(args: Args): Promise<{ ok?: boolean; channel?: string; ts?: string }>;
    postEphemeral(args: Args): Promise<{ ok?: boolean; message_ts?: string }>;
    update(args: Args): Promise<{ ok?: boolean }>;
  };
}

export interface SlackChatApiOptions {
  token: string;
  /** Web API base, e.g. https://slack.com/api/ */
  apiUrl?: string;
  timeoutMs?: number;
}

const MAX_CONCURRENT_CALLS = 100;

export class SlackCallError extends Error {
  constructor(readonly info: SlackErrorInfo) {
    super(`Slack call failed: ${info.kind} ${info.code}`);
    this.name = 'SlackCallError';
  }
}

export function createSlackChatApi(options: SlackChatApiOptions): SlackChatApi & { close(): void } {
  const base = new URL(options.apiUrl ?? 'https://slack.com/api/');
  const secure = base.protocol === 'https:';
  // At most as many calls in flight as WebClient allows (100): a burst of 10,000 status edits must
  // queue here, not open 10,000 sockets.
  const pool = { keepAlive: true, maxSockets: MAX_CONCURRENT_CALLS };
  const agent = secure ? new HttpsAgent(pool) : new HttpAgent(pool);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const call = <T>(method: string, args: Args) =>
    post(new URL(method, base), JSON.stringify(args)) as Promise<T>;

  function post(url: URL, body: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'POST',
          agent,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => readAnswer(res).then(resolve, reject),
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error) =>
        reject(new SlackCallError({ kind: 'network', code: error.message.slice(0, 200) })),
      );
      req.end(body);
    });
  }

  return {
    chat: {
      postMessage: (args) => call('chat.postMessage', args),
      postEphemeral: (args) => call('chat.postEphemeral', args),
      update: (args) => call('chat.update', args),
    },
    close: () => agent.destroy(),
  };
}

/** Slack's answer: `{ ok: true, … }`, or the failure as a SlackCallError. */
async function readAnswer(res: IncomingMessage): Promise<unknown> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  const status = res.statusCode ?? 0;
  const retryAfter = Number(res.headers['retry-after']);
  const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {};
  if (status === 429) throw new SlackCallError({ kind: 'rate_limited', code: 'ratelimited', ...wait });
  if (status < 200 || status >= 300) throw new SlackCallError({ kind: 'http', code: `http_${status}` });
  let answer: { ok?: unknown; error?: unknown };
  try {
    answer = JSON.parse(text) as { ok?: unknown; error?: unknown };
  } catch {
    throw new SlackCallError({ kind: 'other', code: 'unreadable answer from Slack' });
  }
  if (answer.ok !== true)
    throw new SlackCallError({ kind: 'platform', code: String(answer.error ?? 'unknown_error') });
  return answer;
}
