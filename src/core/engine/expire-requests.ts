/**
 * Closes requests whose confirmation or approval window has passed (called periodically by the
 * app; idempotent, safe on several replicas: the CAS lets one of them close each request).
 */
import type { EngineContext } from './engine-context';
import { closeRequest, isExpired, isExpiring } from './request-records';
import { announceExpiry, transition } from './transition';

const SYSTEM_ACTOR = 'flowdesk';

export async function expireDue(ctx: EngineContext, limit = 100): Promise<number> {
  const due = await ctx.store.dueExpiries(ctx.clock.now().getTime(), limit);
  let closed = 0;
  for (const requestId of due) {
    try {
      if (await expireOne(ctx, requestId)) closed += 1;
    } catch (error) {
      ctx.logger.warn({ requestId, err: (error as Error).message }, 'expiring a request failed');
    }
  }
  return closed;
}

async function expireOne(ctx: EngineContext, requestId: string): Promise<boolean> {
  if (!(await ctx.store.getRequest(requestId))) {
    await ctx.store.cancelExpiry(requestId);
    return false;
  }
  const { after, changed } = await transition(ctx, requestId, (current, now) =>
    isExpired(current, now)
      ? { next: closeRequest(current, 'expired'), result: null }
      : { next: null, result: null },
  );
  if (changed) {
    await announceExpiry(ctx, after, SYSTEM_ACTOR);
    return true;
  }
  // Moved on (cancel the schedule) or its window was extended (schedule the new time).
  if (isExpiring(after) && after.expiresAt)
    await ctx.store.scheduleExpiry(after.id, Date.parse(after.expiresAt));
  else await ctx.store.cancelExpiry(after.id);
  return false;
}
