/**
 * Bolt's `Logger` interface over our pino logger, so Bolt's and the Web API's messages land in
 * the same JSON stream (and under the same redaction) as ours.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../core/ports';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

/** Slack tokens, should a library ever print one. */
const TOKEN_PATTERN = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+/g;

export function createBoltLogger(logger: Logger, initialLevel: LogLevel = LogLevel.DEBUG): BoltLogger {
  let level = initialLevel;
  let name = 'bolt';

  const emit = (method: 'debug' | 'info' | 'warn' | 'error', at: LogLevel, parts: unknown[]) => {
    if (ORDER[at] < ORDER[level]) return;
    const err = parts.find((p): p is Error => p instanceof Error);
    const text = parts
      .filter((p) => !(p instanceof Error))
      .map((p) => (typeof p === 'string' ? p : safeStringify(p)))
      .join(' ')
      .replace(TOKEN_PATTERN, '[redacted]');
    const fields: Record<string, unknown> = { component: name };
    if (err) fields.err = err;
    logger[method](fields, text || err?.message || '');
  };

  return {
    debug: (...msg: unknown[]) => emit('debug', LogLevel.DEBUG, msg),
    info: (...msg: unknown[]) => emit('info', LogLevel.INFO, msg),
    warn: (...msg: unknown[]) => emit('warn', LogLevel.WARN, msg),
    error: (...msg: unknown[]) => emit('error', LogLevel.ERROR, msg),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

function safeStringify(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.slice(0, 2000);
  } catch {
    return String(value);
  }
}
