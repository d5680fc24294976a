#!/usr/bin/env node
/**
 * The `flowdesk` command and the composition root: the only module that reads process.env and
 * .env. It loads the config, builds the logger and hands over to one command.
 */
import { parseArgs } from 'node:util';
import type { RouterMode } from './app/choose-router';
import { USAGE } from './app/cli-usage';
import { type Config, loadConfig, readDotEnv } from './config';
import { asFlowdeskError } from './core/errors';
import { createLogger } from './logger';

const print = (line: string) => {
  process.stdout.write(`${line}\n`);
};
const printError = (line: string) => {
  process.stderr.write(`${line}\n`);
};

const COMMON = { 'process-maps': { type: 'string' } } as const;

/** Commands load their modules on demand: `help` and config errors answer at once. */
const commands = () => import('./app/cli-commands');

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || ['help', '--help', '-h'].includes(command)) {
    print(USAGE);
    return 0;
  }
  const env = { ...readDotEnv(), ...process.env };
  const config = loadConfig(env);
  // The chat REPL shares the terminal with the logs: only warnings unless LOG_LEVEL asks for more.
  const level = command === 'chat' && !env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL;
  const logger = createLogger({ level, pretty: process.stderr.isTTY === true });
  const mapsPath = (value: unknown) => (typeof value === 'string' ? value : config.FLOWDESK_PROCESS_MAPS);
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args, options: COMMON });
      return (await commands()).runStartCommand(config, mapsPath(values['process-maps']), logger, print);
    }
    case 'chat':
      return chat(config, args, logger, mapsPath);
    case 'validate': {
      const { values } = parseArgs({ args, options: { ...COMMON, online: { type: 'boolean' } } });
      return (await commands()).runValidateCommand(
        config,
        mapsPath(values['process-maps']),
        values.online === true,
        logger,
        print,
      );
    }
    case 'eval': {
      const { values } = parseArgs({
        args,
        options: {
          ...COMMON,
          cases: { type: 'string' },
          router: { type: 'string' },
          k: { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      if (!values.cases) throw usageError('eval needs --cases FILE.jsonl');
      const casesPath = values.cases;
      return (await commands()).runEvalCommand(
        config,
        {
          path: mapsPath(values['process-maps']),
          casesPath,
          router: routerMode(values.router ?? 'local'),
          k: positiveInt(values.k, 8, '--k'),
          json: values.json === true,
        },
        logger,
        print,
      );
    }
    case 'setup-prefect': {
      const { values } = parseArgs({
        args,
        options: { ...COMMON, 'webhook-url': { type: 'string' }, 'dry-run': { type: 'boolean' } },
      });
      if (!values['webhook-url'])
        throw usageError('setup-prefect needs --webhook-url URL (where Prefect can reach flowdesk)');
      return (await commands()).runSetupPrefectCommand(
        config,
        values['webhook-url'],
        values['dry-run'] === true,
        logger,
        print,
      );
    }
    default:
      throw usageError(`unknown command "${command}"`);
  }
}

async function chat(
  config: Config,
  args: string[],
  logger: ReturnType<typeof createLogger>,
  mapsPath: (v: unknown) => string,
) {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      user: { type: 'string' },
      email: { type: 'string' },
      channel: { type: 'string' },
      'dry-run': { type: 'boolean' },
      router: { type: 'string' },
      wait: { type: 'string' },
    },
  });
  const { runChat } = await import('./app/run-chat');
  return runChat(
    config,
    {
      processMapsPath: mapsPath(values['process-maps']),
      ...(values.user ? { user: values.user } : {}),
      ...(values.email ? { email: values.email } : {}),
      ...(values.channel ? { channel: values.channel } : {}),
      dryRun: values['dry-run'] === true,
      ...(values.router ? { router: routerMode(values.router) } : {}),
      waitMs: positiveInt(values.wait, 120, '--wait') * 1000,
      input: process.stdin,
      output: process.stdout,
    },
    logger,
  );
}

class UsageError extends Error {}

function usageError(message: string): UsageError {
  return new UsageError(message);
}

function routerMode(value: string): RouterMode {
  if (value === 'auto' || value === 'llm' || value === 'local') return value;
  throw usageError(`--router must be auto, llm or local (got "${value}")`);
}

function positiveInt(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw usageError(`${flag} must be a whole number ≥ 1 (got "${value}")`);
  return number;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Keep-alive sockets or a log transport must not keep a finished command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error: unknown) => {
    const code = String((error as { code?: unknown }).code ?? '');
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      printError(`flowdesk: ${(error as Error).message}\nRun \`flowdesk help\` for usage.`);
      process.exitCode = 2;
    } else {
      const failure = asFlowdeskError(error);
      printError(failure.code === 'internal' ? `flowdesk: ${failure.message}` : failure.userMessage);
      process.exitCode = 1;
    }
    setTimeout(() => process.exit(), 1000).unref();
  },
);
