/**
 * The engine is built before the chat adapter that owns the Notifier and Directory (the Slack app
 * needs the engine to be created). These forwarders let the adapter plug its own in afterwards.
 */
import type { Directory, Logger, Notifier } from '../core/ports';
import type { Requester } from '../core/types';

export interface SwitchableNotifier extends Notifier {
  setTarget(target: Notifier): void;
}

export function createSwitchableNotifier(logger: Logger): SwitchableNotifier {
  let target: Notifier | undefined;
  return {
    setTarget(next) {
      target = next;
    },
    async requestChanged(request, process, event) {
      if (!target) {
        logger.debug({ requestId: request.id, event: event.kind }, 'no notifier attached; update not shown');
        return;
      }
      await target.requestChanged(request, process, event);
    },
  };
}

export interface SwitchableDirectory extends Directory {
  setTarget(target: Directory): void;
}

/** Without a target (terminal) nobody is a member of any user group: group access is not granted. */
export function createSwitchableDirectory(): SwitchableDirectory {
  let target: Directory | undefined;
  return {
    setTarget(next) {
      target = next;
    },
    lookupUser: (userId): Promise<Requester> =>
      target ? target.lookupUser(userId) : Promise.resolve({ id: userId, name: userId, tz: 'UTC' }),
    usergroupMembers: (groupId) => (target ? target.usergroupMembers(groupId) : Promise.resolve([])),
  };
}
