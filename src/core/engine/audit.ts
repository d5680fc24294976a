/** One audit entry per transition: who did what to which request, when. */
import type { AuditRecord } from '../ports';
import type { RequestRecord } from '../types';
import type { EngineContext } from './engine-context';

export function audit(
  ctx: Pick<EngineContext, 'audit' | 'clock'>,
  action: AuditRecord['action'],
  request: RequestRecord,
  actor: string,
  details?: Record<string, unknown>,
): void {
  ctx.audit.record({
    action,
    requestId: request.id,
    processId: request.processId,
    actor,
    at: ctx.clock.now().toISOString(),
    ...(details ? { details } : {}),
  });
}
