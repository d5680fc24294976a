/**
 * The notifier's light Web API client against a local server playing Slack: what it sends (JSON,
 * bearer token), and every way a call can fail, read by describeSlackError as the delivery needs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSlackChatApi, type SlackChatApi } from '../../../src/adapters/slack/slack-chat-api';
import { describeSlackError, isPermanentSlackError } from '../../../src/adapters/slack/slack-errors';
import { closeServer, listenOnLoopback } from '../../helpers/loopback-server';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let answer: Handler;
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => answer(req, body, res));
});
let api: SlackChatApi & { close(): void };
let baseUrl: string;

beforeAll(async () => {
  baseUrl = await listenOnLoopback(server);
  api = createSlackChatApi({ token: 'xoxb-test-token', apiUrl: `${baseUrl}/api/`, timeoutMs: 300 });
});

afterAll(async () => {
  api.close();
  await closeServer(server);
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return describeSlackError(error);
}

describe('createSlackChatApi', () => {
  it('posts JSON with the bot token and returns what Slack answers', async () => {
    const seen: Array<{ url?: string; auth?: string; type?: string; body: unknown }> = [];
    answer = (req, body, res) => {
      seen.push({
        url: req.url,
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body: JSON.parse(body),
      });
      json(res, 200, { ok: true, channel: 'C1', ts: '1700000000.000200' });
    };
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Running — 10 % “done”' } }];
    const result = await api.chat.postMessage({ channel: 'C1', thread_ts: '1.1', text: 'x', blocks });
    expect(result).toMatchObject({ ok: true, channel: 'C1', ts: '1700000000.000200' });
    await api.chat.update({ channel: 'C1', ts: '1.2', text: 'y' });
    expect(seen.map((s) => s.url)).toEqual(['/api/chat.postMessage', '/api/chat.update']);
    expect(seen[0]).toMatchObject({
      auth: 'Bearer xoxb-test-token',
      type: 'application/json; charset=utf-8',
      body: { channel: 'C1', thread_ts: '1.1', text: 'x', blocks },
    });
  });

  it('keeps at most 100 calls in flight: a burst queues instead of opening a socket per call', async () => {
    let inFlight = 0;
    let most = 0;
    answer = (_req, _body, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        json(res, 200, { ok: true });
      }, 150);
    };
    const burst = Array.from({ length: 150 }, (_, i) =>
      api.chat.update({ channel: 'C1', ts: `${i}`, text: 'x' }),
    );
    await Promise.all(burst);
    expect(most).toBe(100);
  });

  it('turns ok:false into a platform error with its code', async () => {
    answer = (_req, _body, res) => json(res, 200, { ok: false, error: 'channel_not_found' });
    const info = await failure(api.chat.update({ channel: 'C9', ts: '1.2', text: 'y' }));
    expect(info).toEqual({ kind: 'platform', code: 'channel_not_found' });
    expect(isPermanentSlackError(info)).toBe(true);
  });

  it('turns a 429 into a rate limit with its Retry-After, and a 5xx into a retryable HTTP error', async () => {
    answer = (_req, _body, res) =>
      json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    expect(await failure(api.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'z' }))).toEqual({
      kind: 'rate_limited',
      code: 'ratelimited',
      retryAfter: 7,
    });
    answer = (_req, _body, res) => res.writeHead(503).end('busy');
    const info = await failure(api.chat.update({ channel: 'C1', ts: '1.2', text: 'y' }));
    expect(info).toEqual({ kind: 'http', code: 'http_503' });
    expect(isPermanentSlackError(info)).toBe(false);
  });

  it('reports an unreadable answer, a timeout and a refused connection', async () => {
    answer = (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    expect(await failure(api.chat.update({ channel: 'C1', ts: '1', text: 'y' }))).toMatchObject({
      kind: 'other',
    });
    answer = () => {}; // never answers
    expect(await failure(api.chat.update({ channel: 'C1', ts: '1', text: 'y' }))).toMatchObject({
      kind: 'network',
      code: expect.stringContaining('no answer within 300 ms'),
    });
    const nowhere = createSlackChatApi({ token: 't', apiUrl: 'http://127.0.0.1:9/api/', timeoutMs: 300 });
    try {
      expect(await failure(nowhere.chat.update({ channel: 'C1', ts: '1', text: 'y' }))).toMatchObject({
        kind: 'network',
      });
    } finally {
      nowhere.close();
    }
  });
});
