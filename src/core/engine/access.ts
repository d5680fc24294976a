/**
 * Who may request what, where (SPEC §3 `access`, §11): a process is usable when it has no access
 * list, or the user is listed, or is a member of a listed user group; and, when channels are
 * listed, only from those channels (so a DM is allowed only when no channels are listed).
 * Approvers are checked the same way against `approval.approvers`.
 */
import type { CatalogSource, Directory } from '../ports';
import type { ProcessDef, Requester } from '../types';

export interface Access {
  /** `channel` undefined = do not check channels (read-only paths such as status). */
  canUse(process: ProcessDef, user: Requester, channel: string | undefined): Promise<boolean>;
  usableProcesses(user: Requester, channel: string | undefined): Promise<ProcessDef[]>;
  isApprover(process: ProcessDef, userId: string): Promise<boolean>;
}

export function createAccess(deps: { catalog: CatalogSource; directory?: Directory }): Access {
  const inGroups = async (userId: string, groups: string[], known?: string[]): Promise<boolean> => {
    if (groups.length === 0) return false;
    if (known?.some((group) => groups.includes(group))) return true;
    // No directory (terminal): membership cannot be checked, so it is not granted.
    if (!deps.directory) return false;
    for (const group of groups) {
      const members = await deps.directory.usergroupMembers(group);
      if (members.includes(userId)) return true;
    }
    return false;
  };

  const canUse = async (process: ProcessDef, user: Requester, channel: string | undefined) => {
    const access = process.access;
    if (!access) return true;
    if (channel !== undefined && access.channels?.length && !access.channels.includes(channel)) return false;
    const users = access.users ?? [];
    const groups = access.usergroups ?? [];
    if (users.length === 0 && groups.length === 0) return true;
    if (users.includes(user.id)) return true;
    return inGroups(user.id, groups, user.usergroups);
  };

  return {
    canUse,
    async usableProcesses(user, channel) {
      const usable: ProcessDef[] = [];
      for (const process of deps.catalog.current().processes) {
        if (await canUse(process, user, channel)) usable.push(process);
      }
      return usable;
    },
    async isApprover(process, userId) {
      const approvers = process.approval?.approvers;
      if (!approvers) return false;
      if (approvers.users.includes(userId)) return true;
      return inGroups(userId, approvers.usergroups);
    },
  };
}
