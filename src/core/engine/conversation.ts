/**
 * A thread's remembered context: the last turns (capped, for routing follow-ups), the request it
 * is filling in and the parameters the last question asked for. Expires after inactivity.
 */
import type { Reply } from '../engine-api';
import type { ContextTurn, ConversationContext, ThreadRef } from '../types';
import type { EngineContext } from './engine-context';

const MAX_TURN_CHARS = 500;

export interface PendingUpdate {
  /** undefined = keep, null = forget. */
  requestId?: string | null;
  awaiting?: string[];
}

export async function loadConversation(
  ctx: EngineContext,
  thread: ThreadRef,
): Promise<ConversationContext | null> {
  const context = await ctx.store.getContext(thread);
  if (!context) return null;
  return { ...context, turns: context.turns.slice(-ctx.maxContextTurns) };
}

export async function saveConversation(
  ctx: EngineContext,
  thread: ThreadRef,
  previous: ConversationContext | null,
  userText: string,
  replies: Reply[],
  pending: PendingUpdate,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const turns: ContextTurn[] = [
    ...(previous?.turns ?? []),
    { role: 'user' as const, text: clip(userText), at },
    { role: 'bot' as const, text: clip(summarizeReplies(replies)), at },
  ].slice(-ctx.maxContextTurns);
  const requestId =
    pending.requestId === undefined ? previous?.pendingRequestId : (pending.requestId ?? undefined);
  const awaiting = pending.requestId === null ? [] : (pending.awaiting ?? previous?.awaitingParameters ?? []);
  const context: ConversationContext = {
    thread,
    turns,
    ...(requestId ? { pendingRequestId: requestId } : {}),
    ...(awaiting.length > 0 ? { awaitingParameters: awaiting } : {}),
    updatedAt: at,
  };
  await ctx.store.saveContext(context, ctx.contextTtlSeconds);
}

/** A short line standing for what the bot said (the router only needs the gist). */
export function summarizeReplies(replies: Reply[]): string {
  return replies
    .map((reply) => {
      switch (reply.kind) {
        case 'confirmation':
          return `Proposed “${reply.process.title}” (${reply.process.id}) with ${JSON.stringify(reply.request.parameters)}; waiting for Run.`;
        case 'status':
          return `“${reply.process.title}” is ${reply.request.status.replace(/_/g, ' ')}.`;
        case 'out_of_scope':
          return `${reply.text} ${reply.suggestions.map((s) => s.title).join(', ')}`.trim();
        default:
          return reply.text;
      }
    })
    .join(' ');
}

function clip(text: string): string {
  return text.length > MAX_TURN_CHARS ? `${text.slice(0, MAX_TURN_CHARS - 1)}…` : text;
}
