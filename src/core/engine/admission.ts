/**
 * Whether a message is handled for the first time. Slack may deliver one message more than once
 * (retries, or app_mention and message.im for one DM); the adapter names the message
 * (`MessageInput.once`) and the engine claims that name in the store once, before the message
 * changes, asks a model or answers anything. The claim is made as late as possible, so routing
 * never waits for it, and a message that creates a request claims with that write: one round trip
 * to the store instead of two on the way to the card.
 */
import type { MessageInput } from '../engine-api';
import type { OnceClaim, Store } from '../ports';

export interface Admission {
  /** Claims the message unless that was done; true when it is new. */
  admitted(): Promise<boolean>;
  /**
   * Runs a write that can claim the message atomically with itself (`once`), or claims first when
   * the write cannot. False when the message was a duplicate: then nothing was written.
   */
  ride(write: (once: OnceClaim | undefined) => Promise<boolean>): Promise<boolean>;
}

export function createAdmission(store: Pick<Store, 'claimOnce'>, once: OnceClaim | undefined): Admission {
  let verdict: Promise<boolean> | undefined = once ? undefined : Promise.resolve(true);
  return {
    admitted() {
      verdict ??= once ? store.claimOnce(once.key, once.ttlSeconds) : Promise.resolve(true);
      return verdict;
    },
    async ride(write) {
      if (verdict) return (await verdict) && (await write(undefined));
      // The write's answer is the verdict: a create carrying the claim fails only on a duplicate
      // (its request id is new).
      verdict = write(once);
      return verdict;
    },
  };
}

/** A message on its way through the engine, with its admission. */
export type MessageTurn = MessageInput & { admission: Admission };
