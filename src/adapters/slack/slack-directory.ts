/**
 * Directory over Slack: who a user is (users.info → name, e-mail, time zone) and who is in a user
 * group (usergroups.users.list). Both are cached because every message and click needs them.
 * A failed lookup never blocks the user: it falls back to the id and UTC, and says so in the log.
 */
import type { webApi } from '@slack/bolt';
import type { Directory, Logger } from '../../core/ports';
import type { Requester } from '../../core/types';
import { describeSlackError } from './slack-errors';

export interface SlackDirectoryOptions {
  client: webApi.WebClient;
  logger: Logger;
  now?: () => number;
  /** How long a user's profile is reused (default 10 minutes). */
  userTtlMs?: number;
  /** How long a user group's members are reused (default 1 minute). */
  groupTtlMs?: number;
  /** How long a failed lookup's fallback is reused before asking Slack again (default 30 s). */
  failureTtlMs?: number;
  maxEntries?: number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export function createSlackDirectory(options: SlackDirectoryOptions): Directory {
  const now = options.now ?? Date.now;
  const userTtl = options.userTtlMs ?? 10 * 60_000;
  const groupTtl = options.groupTtlMs ?? 60_000;
  const failureTtl = options.failureTtlMs ?? 30_000;
  const users = new BoundedCache<Requester>(options.maxEntries ?? 5000);
  const groups = new BoundedCache<string[]>(500);
  const inflightUsers = new Map<string, Promise<Requester>>();
  const inflightGroups = new Map<string, Promise<string[]>>();

  async function fetchUser(userId: string): Promise<Requester> {
    try {
      const result = await options.client.users.info({ user: userId });
      const user = result.user;
      if (!user) throw new Error('users.info returned no user');
      const requester: Requester = {
        id: user.id ?? userId,
        name: pickName(user) ?? userId,
        tz: user.tz || 'UTC',
      };
      const email = user.profile?.email;
      if (email) requester.email = email;
      users.set(userId, requester, now() + userTtl);
      return requester;
    } catch (error) {
      options.logger.warn(
        { userId, slackError: describeSlackError(error) },
        'users.info failed; using the user id and UTC for this requester',
      );
      const fallback: Requester = { id: userId, name: userId, tz: 'UTC' };
      users.set(userId, fallback, now() + failureTtl);
      return fallback;
    }
  }

  async function fetchGroup(groupId: string): Promise<string[]> {
    try {
      const result = await options.client.usergroups.users.list({ usergroup: groupId });
      const members = (result.users ?? []).filter((u): u is string => typeof u === 'string');
      groups.set(groupId, members, now() + groupTtl);
      return members;
    } catch (error) {
      // Fail closed: nobody is treated as a member while Slack cannot tell us.
      options.logger.warn(
        { usergroupId: groupId, slackError: describeSlackError(error) },
        'usergroups.users.list failed; treating the group as empty for now',
      );
      groups.set(groupId, [], now() + failureTtl);
      return [];
    }
  }

  return {
    lookupUser(userId: string): Promise<Requester> {
      const cached = users.get(userId, now());
      if (cached) return Promise.resolve(cached);
      return once(inflightUsers, userId, () => fetchUser(userId));
    },
    usergroupMembers(usergroupId: string): Promise<string[]> {
      const cached = groups.get(usergroupId, now());
      if (cached) return Promise.resolve(cached);
      return once(inflightGroups, usergroupId, () => fetchGroup(usergroupId));
    },
  };
}

interface SlackUserLike {
  name?: string;
  real_name?: string;
  profile?: { real_name?: string; display_name?: string };
}

function pickName(user: SlackUserLike): string | undefined {
  const candidates = [user.real_name, user.profile?.real_name, user.profile?.display_name, user.name];
  return candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
}

/** Concurrent lookups of the same key share one API call. */
function once<T>(inflight: Map<string, Promise<T>>, key: string, fetch: () => Promise<T>): Promise<T> {
  const existing = inflight.get(key);
  if (existing) return existing;
  const promise = fetch().finally(() => inflight.delete(key));
  inflight.set(key, promise);
  return promise;
}

/** Map with expiry and a size bound (oldest insertions go first). */
class BoundedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(private readonly maxEntries: number) {}

  get(key: string, nowMs: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
