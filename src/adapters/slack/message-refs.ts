/**
 * Where a request's Slack messages are (card, status, approval cards): kept on the request itself
 * (`request.messages`) so they survive restarts and are shared by replicas. Writes go through the
 * store's compare-and-set: read, add the ref, CAS, retry on a concurrent change.
 */
import type { Logger, Store } from '../../core/ports';
import type { MessageRef, RequestRecord } from '../../core/types';

const MAX_ATTEMPTS = 8;

export const REF = {
  card: 'card',
  status: 'status',
  approval: 'approval',
  /** DM copy of the approval card for one approver. */
  approvalDm: (userId: string) => `approval:${userId}`,
  input: 'input',
} as const;

export interface MessageRefs {
  get(requestId: string, key: string): Promise<MessageRef | undefined>;
  /** All refs of a request whose key starts with `prefix`. */
  list(requestId: string, prefix: string): Promise<Array<{ key: string; ref: MessageRef }>>;
  save(requestId: string, key: string, ref: MessageRef): Promise<boolean>;
}

export function createMessageRefs(store: Store, logger: Logger): MessageRefs {
  // A process-local copy saves a store read per card edit. Refs are rarely replaced (a new approval
  // round, a card posted again): this process sees its own replacements at once, another
  // replica's on the next `list` (which always reads the store).
  const local = new Map<string, Record<string, MessageRef>>();
  const remember = (requestId: string, messages: Record<string, MessageRef>) => {
    local.set(requestId, { ...(local.get(requestId) ?? {}), ...messages });
    if (local.size > 10_000) local.delete(local.keys().next().value as string);
  };

  async function load(requestId: string): Promise<Record<string, MessageRef>> {
    const request = await store.getRequest(requestId);
    if (request) remember(requestId, request.messages ?? {});
    return local.get(requestId) ?? {};
  }

  return {
    async get(requestId, key) {
      const cached = local.get(requestId)?.[key];
      if (cached) return cached;
      return (await load(requestId))[key];
    },
    async list(requestId, prefix) {
      const messages = await load(requestId);
      return Object.entries(messages)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, ref]) => ({ key, ref }));
    },
    async save(requestId, key, ref) {
      remember(requestId, { [key]: ref });
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const current = await store.getRequest(requestId);
        if (!current) return false;
        const existing = current.messages?.[key];
        if (existing && existing.channel === ref.channel && existing.ts === ref.ts) return true;
        const next: RequestRecord = {
          ...current,
          messages: { ...(current.messages ?? {}), [key]: ref },
          version: current.version + 1,
        };
        if (await store.compareAndSet(next, current.version)) return true;
      }
      logger.warn({ requestId, key }, 'Could not record a Slack message reference (request kept changing)');
      return false;
    },
  };
}
