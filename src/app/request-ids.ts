/**
 * Request ids: time-ordered (base-36 milliseconds) plus 48 random bits, lower-case and URL-safe.
 * They double as Prefect idempotency keys and appear in Slack action values and commands.
 */
import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../core/ports';

export function createRequestIds(now: () => number = Date.now): IdGenerator {
  return {
    newRequestId: () => `r${now().toString(36)}${randomBytes(6).toString('hex')}`,
  };
}
