/**
 * Shared set-up for the Redis adapter tests: a quiet or capturing logger, unique key prefixes,
 * and deletion of every key a test created.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { Logger } from '../../../src/core/ports';
import { createLogger } from '../../../src/logger';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Nothing listens here in the test environment. */
export const UNUSED_REDIS_URL = 'redis://127.0.0.1:6390';

export function uniquePrefix(file: string): string {
  return `test:${file}:${randomBytes(6).toString('hex')}:`;
}

/** A pino logger whose JSON lines are kept for assertions. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines };
}

export const quietLogger = (): Logger => createLogger({ level: 'silent', destination: { write: () => {} } });

/** A plain connection for inspecting and deleting test keys. */
export function adminConnection(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

export async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes every key under the prefixes, on a connection of its own (for afterAll). */
export async function deleteTestKeys(...prefixes: string[]): Promise<void> {
  const admin = adminConnection();
  try {
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
  } finally {
    admin.disconnect();
  }
}
