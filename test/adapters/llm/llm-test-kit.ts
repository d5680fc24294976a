/**
 * Shared set-up for the LLM router tests: process builders, a real pino logger captured in memory, and a
 * rig that wires the real OpenAI client to the fake OpenAI-compatible server on 127.0.0.1.
 */
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { createOpenAiRouter, type OpenAiRouterOptions } from '../../../src/adapters/llm/openai-router';
import type { Logger, Router, RoutingInput, TokenUsage } from '../../../src/core/ports';
import type { ProcessDef } from '../../../src/core/types';
import { createLogger } from '../../../src/logger';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../fakes/fake-openai-server';
import { RecordingRouter } from '../../fakes/recording-router';
import { WordOverlapShortlister } from '../../fakes/word-overlap-shortlister';
import { buildRequester, buildThread } from '../../helpers/build-request';

export function buildProcess(overrides: Partial<ProcessDef> & { id: string }): ProcessDef {
  return {
    title: overrides.id,
    description: `Runs ${overrides.id}.`,
    deployment: `${overrides.id}/production`,
    examples: [],
    aliases: [],
    parameters: {},
    required: [],
    confirm: true,
    tags: [],
    source: { file: 'process-maps/test.yaml', line: 1 },
    ...overrides,
  };
}

export const resetVpn = buildProcess({
  id: 'reset-vpn',
  title: 'Reset VPN profile',
  description: "Revoke and reissue the requester's VPN certificate when they cannot connect.",
  examples: ['my vpn keeps disconnecting', "can't connect to the VPN from home"],
  parameters: { user_email: { type: 'string', format: 'email', description: 'Whose VPN profile to reset' } },
  required: ['user_email'],
});

export const restartService = buildProcess({
  id: 'restart-service',
  title: 'Restart a service',
  description: 'Restart one service in an environment (rolling restart).',
  examples: ['restart payments-api in staging', 'bounce the checkout service'],
  parameters: {
    service: { type: 'string', description: 'Service name' },
    environment: { type: 'string', enum: ['staging', 'production'], default: 'staging' },
  },
  required: ['service'],
});

export const refreshDashboard = buildProcess({
  id: 'refresh-dashboard',
  title: 'Refresh a dashboard',
  description: 'Refresh the data of a BI dashboard.',
  examples: ['refresh the Q3 sales dashboard'],
  parameters: { dashboard: { type: 'string' }, quarter: { type: 'string', enum: ['Q1', 'Q2', 'Q3', 'Q4'] } },
  required: ['dashboard'],
});

/** A process the test requester may NOT use: it is never among the candidates. */
export const restartProduction = buildProcess({
  id: 'restart-production',
  title: 'Restart production',
  description: 'Restart every production service. Needs approval from an SRE lead.',
  examples: ['restart production'],
});

export function buildInput(overrides: Partial<RoutingInput> = {}): RoutingInput {
  return {
    text: 'my vpn keeps disconnecting',
    requester: buildRequester({ name: 'Ann Example', tz: 'Europe/Paris' }),
    thread: buildThread(),
    context: null,
    candidates: [resetVpn, restartService, refreshDashboard],
    now: new Date('2025-06-10T07:30:00.000Z'),
    ...overrides,
  };
}

export interface CapturedLogger {
  logger: Logger;
  entries(): Array<Record<string, unknown>>;
  text(): string;
}

/** A real pino logger (with the app's redaction) writing JSON lines into memory. */
export function captureLogger(level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level, destination });
  return {
    logger,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join('\n'),
  };
}

export interface RouterRig {
  server: FakeOpenAiServer;
  router: Router;
  fallback: RecordingRouter;
  shortlister: WordOverlapShortlister;
  usage: Array<TokenUsage & { model: string }>;
  sleeps: number[];
  log: CapturedLogger;
  close(): Promise<void>;
}

export async function startRouterRig(
  overrides: Partial<OpenAiRouterOptions> = {},
  kit: { clientApiKey?: string } = {},
): Promise<RouterRig> {
  const server = await startFakeOpenAiServer();
  const apiKey = kit.clientApiKey ?? server.apiKey;
  const client = new OpenAI({ apiKey, baseURL: server.baseURL, maxRetries: 0 });
  const fallback = new RecordingRouter();
  // A custom fallback (overrides.fallback) replaces this one; then `fallback.inputs` stays empty.
  const shortlister = new WordOverlapShortlister();
  const usage: RouterRig['usage'] = [];
  const sleeps: number[] = [];
  const log = captureLogger();
  const router = createOpenAiRouter({
    client,
    model: 'gpt-test',
    shortlister,
    fallback,
    logger: log.logger,
    onUsage: (entry) => usage.push(entry),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { server, router, fallback, shortlister, usage, sleeps, log, close: () => server.close() };
}

/** The function tools of the n-th request the fake server received. */
export function toolsOf(server: FakeOpenAiServer, index = 0) {
  return server.requests[index]?.body.tools ?? [];
}
