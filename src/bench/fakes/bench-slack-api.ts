/**
 * BENCH ONLY: a Slack Web API that answers at once, for `npm run bench`. Unlike the test fake
 * (test/fakes/fake-slack-server.ts) it validates nothing, stores no messages and keeps no call log:
 * it counts calls per method and hands each call (method, arrival time, a few arguments) to
 * observers, which is what the benchmarks measure. Tokens are not checked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { listenLocal, readBody, sendJson } from './bench-http';

export const BENCH_BOT = { userId: 'UBENCHBOT1', botId: 'BBENCHBOT1', teamId: 'TBENCH0001' };

export interface SlackApiCall {
  method: string;
  /** `performance.now()` when the request arrived (before its body was read). */
  at: number;
  channel?: string;
  threadTs?: string;
  /** chat.update: the message edited. */
  ts?: string;
  text?: string;
  /** The `blocks` argument as sent (a JSON string), for observers that look into cards. */
  blocks?: string;
}

export type SlackCallObserver = (call: SlackApiCall) => void;

export interface BenchSlackApi {
  /** Web API base for SLACK_API_URL, e.g. http://127.0.0.1:PORT/api/ */
  readonly apiUrl: string;
  counts(): Record<string, number>;
  /** Returns a function that removes the observer. */
  observe(observer: SlackCallObserver): () => void;
  close(): Promise<void>;
}

export async function startBenchSlackApi(): Promise<BenchSlackApi> {
  const counts: Record<string, number> = {};
  const observers = new Set<SlackCallObserver>();
  let tsCounter = 0;
  const nextTs = () => {
    tsCounter += 1;
    return `1760000000.${String(tsCounter).padStart(6, '0')}`;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const at = performance.now();
    const method = (req.url ?? '/').split('?')[0]?.replace(/^\/api\//, '') ?? '';
    const args = parseArgs(req.headers['content-type'] ?? '', await readBody(req));
    counts[method] = (counts[method] ?? 0) + 1;
    const call = describeCall(method, at, args);
    for (const observer of observers) observer(call);
    sendJson(res, 200, answer(method, args, nextTs));
  };

  const listening = await listenLocal(handle);
  return {
    apiUrl: `http://127.0.0.1:${listening.port}/api/`,
    counts: () => ({ ...counts }),
    observe(observer) {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    close: () => listening.close(),
  };
}

function describeCall(method: string, at: number, args: Record<string, unknown>): SlackApiCall {
  const call: SlackApiCall = { method, at };
  if (typeof args.channel === 'string') call.channel = args.channel;
  if (typeof args.thread_ts === 'string') call.threadTs = args.thread_ts;
  if (typeof args.ts === 'string') call.ts = args.ts;
  if (typeof args.text === 'string') call.text = args.text;
  if (typeof args.blocks === 'string') call.blocks = args.blocks;
  else if (args.blocks !== undefined) call.blocks = JSON.stringify(args.blocks);
  return call;
}

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function answer(
  method: string,
  args: Record<string, unknown>,
  nextTs: () => string,
): Record<string, unknown> {
  const channel = typeof args.channel === 'string' ? args.channel : 'CBENCH0000';
  switch (method) {
    case 'auth.test':
      return {
        ok: true,
        url: 'https://flowdesk-bench.slack.com/',
        team: 'Flowdesk Bench',
        user: 'flowdesk',
        team_id: BENCH_BOT.teamId,
        user_id: BENCH_BOT.userId,
        bot_id: BENCH_BOT.botId,
      };
    case 'chat.postMessage': {
      const ts = nextTs();
      return { ok: true, channel, ts, message: { type: 'message', user: BENCH_BOT.userId, ts } };
    }
    case 'chat.update':
      return { ok: true, channel, ts: args.ts, text: args.text };
    case 'chat.postEphemeral':
      return { ok: true, message_ts: nextTs() };
    case 'chat.getPermalink':
      return { ok: true, permalink: `https://flowdesk-bench.slack.com/archives/${channel}/p1` };
    case 'users.info':
      return { ok: true, user: benchUser(String(args.user ?? 'U0UNKNOWN')) };
    case 'usergroups.users.list':
      return { ok: true, users: [] };
    case 'conversations.open':
      return { ok: true, channel: { id: `D${String(args.users ?? 'U0').slice(1)}` } };
    default:
      // reactions.add / reactions.remove / assistant.threads.setStatus / views.*: nothing to say.
      return { ok: true };
  }
}

function benchUser(id: string): Record<string, unknown> {
  const name = id.toLowerCase();
  return {
    id,
    team_id: BENCH_BOT.teamId,
    name,
    real_name: `Bench ${id}`,
    tz: 'Europe/Paris',
    is_bot: false,
    profile: { real_name: `Bench ${id}`, display_name: name, email: `${name}@example.com` },
  };
}
