/**
 * flowdesk as `flowdesk start` runs it (startFlowdesk: runtime, Bolt app, webhook route and worker,
 * poller), configured for the benchmarks: local router, real Redis under a bench-only prefix, the
 * edge's fake Slack and Prefect. It logs at `info` like production, into a sink that discards the
 * lines (the serialisation cost stays, the terminal does not).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { type RunningFlowdesk, startFlowdesk } from '../app/cli-commands';
import { loadConfig } from '../config';
import { createLogger } from '../logger';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const BENCH_WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef';
export const BENCH_BOT_TOKEN = 'xoxb-bench-0000000000-0000000000000-benchbenchbenchbenchbench';

export function defaultProcessMapsPath(): string {
  return path.resolve(__dirname, '..', '..', 'process-maps');
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** `<base><random>:`, e.g. `flowdesk-bench:1a2b3c4d:` — every key of one flowdesk instance starts with it. */
export function benchPrefix(base = 'flowdesk-bench:'): string {
  return `${base}${randomBytes(4).toString('hex')}:`;
}

export interface BenchFlowdeskOptions {
  slackApiUrl: string;
  prefectApiUrl: string;
  redisPrefix: string;
  processMapsPath: string;
}

export function startBenchFlowdesk(options: BenchFlowdeskOptions): Promise<RunningFlowdesk> {
  const config = loadConfig({
    SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: options.slackApiUrl,
    PREFECT_API_URL: options.prefectApiUrl,
    REDIS_URL: redisUrl(),
    FLOWDESK_REDIS_PREFIX: options.redisPrefix,
    FLOWDESK_ROUTER: 'local',
    FLOWDESK_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    FLOWDESK_PROCESS_MAPS: options.processMapsPath,
    LOG_LEVEL: 'info',
    PORT: '0',
  });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger({ level: config.LOG_LEVEL, destination: sink });
  return startFlowdesk(config, options.processMapsPath, logger, { port: 0 });
}

/** Deletes every key under `prefix` (SCAN + UNLINK). */
export async function deleteBenchKeys(prefix: string): Promise<number> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
