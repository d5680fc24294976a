/** Turning failures into replies that are safe to show (never stack traces or secrets). */
import type { Reply } from '../engine-api';
import { asFlowdeskError } from '../errors';
import type { Logger } from '../ports';

const EXPECTED = new Set([
  'access_denied',
  'not_allowed',
  'request_not_found',
  'request_conflict',
  'request_expired',
  'parameters_invalid',
  'schedule_invalid',
  'prefect_rejected',
]);

export function errorReply(logger: Logger, error: unknown): Reply {
  const failure = asFlowdeskError(error);
  if (EXPECTED.has(failure.code))
    logger.info({ code: failure.code, err: failure.message }, 'request refused');
  else
    logger.error(
      { code: failure.code, err: failure.message, stack: failure.stack },
      'engine operation failed',
    );
  if (failure.code === 'access_denied') return { kind: 'denied', text: failure.userMessage };
  return { kind: 'error', text: failure.userMessage, code: failure.code };
}

/** Runs an engine operation; any failure becomes one error reply. */
export async function repliesOrError(logger: Logger, operation: () => Promise<Reply[]>): Promise<Reply[]> {
  try {
    return await operation();
  } catch (error) {
    return [errorReply(logger, error)];
  }
}

/** "a=1, b=x" for dry-run and audit texts. */
export function formatParameters(values: Record<string, unknown>): string {
  return JSON.stringify(values);
}
