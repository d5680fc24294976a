/**
 * One flowdesk instance wired as `flowdesk start` wires it, for the end-to-end harnesses
 * (test/adapters/slack, test/e2e, test/faults): the config points at the fake Slack Web API, the
 * fake Prefect server and real Redis under the test's prefix; then `buildRuntime` and
 * `startSlackBot` on port 0, answering signed requests over HTTP.
 */
import { join } from 'node:path';
import { type SlackBot, type StartSlackOptions, startSlackBot } from '../../src/adapters/slack/start-slack';
import { buildRuntime, type Runtime, type RuntimeOptions } from '../../src/app/build-runtime';
import { type Config, loadConfig } from '../../src/config';
import { REDIS_URL } from '../adapters/store/redis-test-support';
import type { FakePrefectServer } from '../fakes/fake-prefect-server';
import type { FakeSlackServer } from '../fakes/fake-slack-server';
import { MemoryLogger } from '../fakes/silent-logger';

export interface FlowdeskInstanceOptions {
  slack: FakeSlackServer;
  prefect: FakePrefectServer;
  signingSecret: string;
  /** Redis key prefix; several instances on one prefix are replicas. */
  prefix: string;
  processMapsPath: string;
  /** Default: the shared test Redis (REDIS_URL). */
  redisUrl?: string;
  /** Environment over the defaults (local router, silent logs): FLOWDESK_ADMINS, OPENAI_API_KEY… */
  env?: Record<string, string>;
  /** buildRuntime options (default logger: a MemoryLogger). */
  runtime?: Partial<Omit<RuntimeOptions, 'mode' | 'processMapsPath'>>;
  /** startSlackBot options; the port is always 0. */
  bot?: Omit<StartSlackOptions, 'port'>;
}

export interface FlowdeskInstance {
  runtime: Runtime;
  bot: SlackBot;
  /** `http://127.0.0.1:<port>`: Slack events and the HTTP routes. */
  baseUrl: string;
  eventsUrl: string;
  /** Stops the bot, then closes the runtime (Redis). */
  stop(): Promise<void>;
}

export function testConfig(options: FlowdeskInstanceOptions): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: options.slack.token,
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: options.slack.apiUrl,
    PREFECT_API_URL: options.prefect.url,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    FLOWDESK_REDIS_PREFIX: options.prefix,
    FLOWDESK_ROUTER: 'local',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
}

export function buildTestRuntime(options: FlowdeskInstanceOptions): Promise<Runtime> {
  return buildRuntime(testConfig(options), {
    logger: new MemoryLogger(),
    ...options.runtime,
    mode: 'start',
    processMapsPath: options.processMapsPath,
  });
}

export async function startFlowdeskInstance(options: FlowdeskInstanceOptions): Promise<FlowdeskInstance> {
  const runtime = await buildTestRuntime(options);
  const bot = await startSlackBot(runtime, { ...options.bot, port: 0 });
  const baseUrl = `http://127.0.0.1:${bot.port}`;
  return {
    runtime,
    bot,
    baseUrl,
    eventsUrl: `${baseUrl}/slack/events`,
    async stop() {
      await bot.stop();
      await runtime.close();
    },
  };
}

/** test/fixtures/slack/process-maps: refresh-dashboard and restart-service. */
export const SLACK_FIXTURE_MAPS = join(__dirname, '../fixtures/slack/process-maps');

/** The Prefect deployments behind SLACK_FIXTURE_MAPS. */
export function addSlackFixtureDeployments(prefect: FakePrefectServer): void {
  prefect.addDeployment({
    flowName: 'refresh-dashboard',
    name: 'production',
    parameterSchema: {
      title: 'Parameters',
      type: 'object',
      properties: {
        quarter: { title: 'quarter', type: 'string', enum: ['Q1', 'Q2', 'Q3', 'Q4'], position: 0 },
        rows: { title: 'rows', type: 'integer', minimum: 1, default: 100, position: 1 },
      },
      required: ['quarter'],
    },
  });
  prefect.addDeployment({
    flowName: 'restart-service',
    name: 'production',
    parameterSchema: {
      title: 'Parameters',
      type: 'object',
      properties: { environment: { title: 'environment', type: 'string', enum: ['staging', 'production'] } },
      required: ['environment'],
    },
  });
}
