/**
 * `/flowdesk approvals`: requests waiting for the actor's approval. Read-only; deciding still
 * goes through the engine (which checks the approver list again on every click).
 */
import type { RunSummary } from '../../core/engine-api';
import type { CatalogSource, Directory, Store } from '../../core/ports';
import type { ProcessDef, Requester } from '../../core/types';

const SCAN_LIMIT = 200;

export function createPendingApprovals(deps: { store: Store; directory: Directory; catalog: CatalogSource }) {
  async function isApprover(actor: Requester, process: ProcessDef): Promise<boolean> {
    const approvers = process.approval?.approvers;
    if (!approvers) return false;
    if (approvers.users.includes(actor.id)) return true;
    for (const group of approvers.usergroups) {
      if ((await deps.directory.usergroupMembers(group)).includes(actor.id)) return true;
    }
    return false;
  }

  return async function pendingApprovals(actor: Requester): Promise<RunSummary[]> {
    const recent = await deps.store.listRecentRequests(SCAN_LIMIT);
    const catalog = deps.catalog.current();
    const result: RunSummary[] = [];
    for (const request of recent) {
      if (request.status !== 'awaiting_approval') continue;
      const process = catalog.byId.get(request.processId);
      if (!process?.approval) continue;
      if (request.requester.id === actor.id && !process.approval.selfApproval) continue;
      if (request.approvals.some((a) => a.userId === actor.id)) continue;
      if (await isApprover(actor, process)) result.push({ request, process });
    }
    return result;
  };
}
