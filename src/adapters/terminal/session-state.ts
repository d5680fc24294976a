/** What a terminal session remembers between lines, and how replies change it. */
import type { Reply } from '../../core/engine-api';
import type { Requester } from '../../core/types';
import { renderReply } from './render-reply';

export interface SessionState {
  /** Who is typing (switchable with /as to play an approver). */
  actor: Requester;
  /** The request whose card the number buttons press. */
  card?: string;
  /** Waiting for `name=value` edits of this request. */
  editing?: string;
  /** The last request shown in this session: the default of /approve, /status, /cancel… */
  last?: string;
  /** Requests whose runs were started here (waited for at the end). */
  started: Set<string>;
  quit: boolean;
}

export function showReplies(print: (line: string) => void, state: SessionState, replies: Reply[]): void {
  for (const reply of replies) {
    for (const line of renderReply(reply)) print(line);
    const shown =
      'request' in reply ? reply.request.id : reply.kind === 'question' ? reply.requestId : undefined;
    if (shown) state.last = shown;
    if (reply.kind === 'confirmation') state.card = reply.request.id;
    if (reply.kind === 'status') {
      if (state.card === reply.request.id) state.card = undefined;
      if (reply.request.run) state.started.add(reply.request.id);
    }
    if (reply.kind === 'text' && reply.text.startsWith('Dry run:')) state.card = undefined;
  }
}

export function isAdmin(admins: readonly string[], state: SessionState): boolean {
  return admins.includes(state.actor.id);
}
