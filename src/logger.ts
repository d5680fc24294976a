import pino from 'pino';
import { SECRET_VARIABLES } from './config';
import type { Logger } from './core/ports';

/** Paths pino redacts wherever they appear in a log object (the secret variables by name, too). */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'signingSecret',
  '*.signingSecret',
  ...SECRET_VARIABLES,
  ...SECRET_VARIABLES.map((name) => `*.${name}`),
];

export interface LoggerOptions {
  level: string;
  /** Pretty output for humans (a TTY); JSON otherwise. */
  pretty?: boolean;
  /** Where to write (tests pass a stream to capture entries). */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions): Logger & pino.Logger {
  const base: pino.LoggerOptions = {
    name: options.name ?? 'flowdesk',
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, destination: 2, ignore: 'pid,hostname' },
      },
    });
  }
  return pino(base, pino.destination(2));
}
