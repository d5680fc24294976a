import type { Directory } from '../../src/core/ports';
import type { Requester } from '../../src/core/types';

/** Users and user groups held in memory; counts lookups so tests can see caching needs. */
export class FakeDirectory implements Directory {
  readonly groups = new Map<string, string[]>();
  readonly users = new Map<string, Requester>();
  groupLookups = 0;

  setGroup(groupId: string, members: string[]): this {
    this.groups.set(groupId, members);
    return this;
  }

  async lookupUser(userId: string): Promise<Requester> {
    return this.users.get(userId) ?? { id: userId, name: userId, tz: 'UTC' };
  }

  async usergroupMembers(usergroupId: string): Promise<string[]> {
    this.groupLookups += 1;
    return this.groups.get(usergroupId) ?? [];
  }
}
