/**
 * `/flowdesk approvals` (and the approvals part of `/flowdesk runs`): requests waiting for the
 * actor's approval, or — for admins asking for everything — every request waiting for approval.
 * Read-only; deciding still goes through the engine (which checks the approver list again on every
 * click). Requests whose approval window has passed are left out even before the expiry sweep.
 */
import { createAccess } from '../../core/engine/access';
import type { RunSummary } from '../../core/engine-api';
import type { CatalogSource, Directory, Store } from '../../core/ports';
import type { Requester } from '../../core/types';

const SCAN_LIMIT = 200;

export interface PendingApprovalsOptions {
  /** Every request waiting for approval, not only those the actor may approve (admins). */
  all?: boolean;
}

export type PendingApprovals = (actor: Requester, options?: PendingApprovalsOptions) => Promise<RunSummary[]>;

export function createPendingApprovals(deps: {
  store: Store;
  directory: Directory;
  catalog: CatalogSource;
  now?: () => Date;
}): PendingApprovals {
  const now = deps.now ?? (() => new Date());
  // The engine's own approver check, so this list never disagrees with what a click would allow.
  const access = createAccess({ catalog: deps.catalog, directory: deps.directory });

  async function waitsFor(actor: Requester, summary: Required<RunSummary>): Promise<boolean> {
    const { request, process } = summary;
    if (request.requester.id === actor.id && !process.approval?.selfApproval) return false;
    if (request.approvals.some((a) => a.userId === actor.id)) return false;
    return access.isApprover(process, actor.id);
  }

  return async function pendingApprovals(actor, options = {}) {
    const recent = await deps.store.listRecentRequests(SCAN_LIMIT);
    const catalog = deps.catalog.current();
    const nowMs = now().getTime();
    const result: RunSummary[] = [];
    for (const request of recent) {
      if (request.status !== 'awaiting_approval') continue;
      if (request.expiresAt && Date.parse(request.expiresAt) < nowMs) continue;
      const process = catalog.byId.get(request.processId);
      if (!process?.approval) continue;
      if (options.all || (await waitsFor(actor, { request, process }))) result.push({ request, process });
    }
    return result;
  };
}
