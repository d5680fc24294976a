/** The audit trail as pino JSON lines (`audit: true`), next to the rest of the logs (SPEC §11). */
import type { AuditSink, Logger } from '../core/ports';

export function createLogAuditSink(logger: Logger): AuditSink {
  const audit = logger.child({ audit: true });
  return {
    record(entry) {
      audit.info({ ...entry }, `audit: ${entry.action} ${entry.processId} by ${entry.actor}`);
    },
  };
}
