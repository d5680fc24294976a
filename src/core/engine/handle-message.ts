/**
 * A message in a thread: load the thread's context and pending draft, let the router decide among
 * the processes this requester may use here, act on the decision, remember the turn.
 */
import type { MessageInput, Reply, Suggestion } from '../engine-api';
import type { RoutingDecision } from '../ports';
import type { ConversationContext, ProcessDef } from '../types';
import { createAdmission, type MessageTurn } from './admission';
import { loadAliasSchemas } from './alias-schemas';
import {
  answersInstead,
  finishedRequestOf,
  isClearResultQuestion,
  replyAboutResult,
} from './answer-result-question';
import { loadConversation, saveConversation } from './conversation';
import type { EngineContext } from './engine-context';
import { matchesForbiddenAlias } from './forbidden-alias';
import { DENIED_TEXT, DUPLICATE, handleRunDecision, type MessageOutcome } from './handle-run-decision';
import { answerFromText, loadPending, type PendingDraft, saveRequest } from './pending-draft';
import { errorReply } from './replies';

export async function handleMessage(ctx: EngineContext, message: MessageInput): Promise<Reply[]> {
  const input: MessageTurn = { ...message, admission: createAdmission(ctx.store, message.once) };
  try {
    const conversation = input.startsThread ? null : await loadConversation(ctx, input.thread);
    const candidates = await ctx.access.usableProcesses(input.requester, input.thread.channel);
    const pending = await loadPending(ctx, conversation, input, candidates);
    // A follow-up in a finished request's thread may be a question about its result.
    const finished = pending ? undefined : await finishedRequestOf(ctx, conversation, input, candidates);
    if (finished && isClearResultQuestion(input.text)) {
      if (!(await input.admission.admitted())) return duplicate(ctx, input);
      return await replyAboutResult(ctx, input, conversation, finished);
    }
    // No model call for a duplicate.
    if (ctx.router.callsOut && !(await input.admission.admitted())) return duplicate(ctx, input);
    const startedAt = ctx.clock.now().getTime();
    const decision = await route(ctx, input, conversation, candidates, pending);
    const answersResult =
      finished !== undefined && decision !== undefined && answersInstead(decision, input.text);
    // Everything so far only read. A new request claims the message with its own creation (one
    // write); anything else claims it before it changes or answers anything.
    const claimsWithCreation = decision?.kind === 'run' && !pending && !answersResult;
    if (!claimsWithCreation && !(await input.admission.admitted())) return duplicate(ctx, input);
    if (!decision) return counted(ctx, [routerFailed()]);
    ctx.metrics?.observeRouting(decision.via, (ctx.clock.now().getTime() - startedAt) / 1000);
    if (finished && answersResult) return await replyAboutResult(ctx, input, conversation, finished);
    const outcome = await decide(ctx, input, decision, candidates, pending);
    // Claimed by the creation, or now for an answer that wrote nothing (a refusal, a past time).
    if (!(await input.admission.admitted())) return duplicate(ctx, input);
    const replies = [
      ...(decision.notices ?? []).map((text): Reply => ({ kind: 'text', text })),
      ...outcome.replies,
    ];
    const bookkeeping = async () => {
      await Promise.all([
        saveConversation(ctx, input.thread, conversation, input.text, replies, outcome.pending),
        outcome.afterwards?.(),
      ]);
    };
    if (input.defer) input.defer(bookkeeping);
    else await bookkeeping();
    return counted(ctx, replies);
  } catch (error) {
    return counted(ctx, [errorReply(ctx.logger, error)]);
  }
}

/** A message delivered again (a retry, the same message under another event): nothing to say. */
function duplicate(ctx: EngineContext, input: MessageTurn): Reply[] {
  ctx.logger.debug({ channel: input.thread.channel, once: input.once?.key }, 'duplicate delivery ignored');
  return [];
}

const OUTCOME_BY_REPLY: Array<[Reply['kind'], 'run' | 'ask' | 'out_of_scope' | 'denied' | 'error']> = [
  ['confirmation', 'run'],
  ['status', 'run'],
  ['question', 'ask'],
  ['out_of_scope', 'out_of_scope'],
  ['denied', 'denied'],
  ['error', 'error'],
];

/** Counts the message by what the user got: a card or run, a question, suggestions, a refusal, an error. */
function counted(ctx: EngineContext, replies: Reply[]): Reply[] {
  const kinds = new Set(replies.map((reply) => reply.kind));
  ctx.metrics?.countRequest(OUTCOME_BY_REPLY.find(([kind]) => kinds.has(kind))?.[1] ?? 'run');
  return replies;
}

async function route(
  ctx: EngineContext,
  input: MessageInput,
  conversation: ConversationContext | null,
  candidates: readonly ProcessDef[],
  pending: PendingDraft | undefined,
): Promise<RoutingDecision | undefined> {
  const usable = new Set(candidates.map((process) => process.id));
  await loadAliasSchemas(ctx, input.text, candidates);
  const schemas = new Map([...ctx.schemas.known()].filter(([id]) => usable.has(id)));
  try {
    const decision = await ctx.router.route({
      text: input.text,
      requester: input.requester,
      thread: input.thread,
      context: conversation,
      candidates,
      ...(pending
        ? {
            pending: {
              process: pending.process,
              parameters: pending.request.parameters,
              missing: pending.missing,
            },
          }
        : {}),
      schemas,
      now: ctx.clock.now(),
    });
    return decision.kind === 'run' || !pending
      ? decision
      : await withAnswerFallback(ctx, input, decision, pending);
  } catch (error) {
    ctx.logger.error({ err: (error as Error).message }, 'router failed');
    return undefined;
  }
}

/** The bot asked for one parameter; a reply that is plainly its value completes the draft. */
async function withAnswerFallback(
  ctx: EngineContext,
  input: MessageInput,
  decision: RoutingDecision,
  pending: PendingDraft,
): Promise<RoutingDecision> {
  if (pending.missing.length !== 1) return decision;
  const { merged } = await ctx.schemas.forProcess(pending.process);
  const values = answerFromText(input.text, merged.schema, pending.missing[0]);
  if (!values) return decision;
  return {
    kind: 'run',
    processId: pending.process.id,
    parameters: values,
    via: decision.via,
    ...(decision.notices ? { notices: decision.notices } : {}),
  };
}

async function decide(
  ctx: EngineContext,
  input: MessageTurn,
  decision: RoutingDecision,
  candidates: readonly ProcessDef[],
  pending: PendingDraft | undefined,
): Promise<MessageOutcome> {
  if (decision.kind === 'run') return handleRunDecision(ctx, input, decision, candidates, pending);
  if (matchesForbiddenAlias(input.text, ctx.catalog.current().processes, candidates)) {
    return { replies: [{ kind: 'denied', text: DENIED_TEXT }], pending: {} };
  }
  if (decision.kind === 'ask') return askOutcome(ctx, input, decision, candidates, pending);
  const suggestions = decision.suggestions
    .map((id) => candidates.find((process) => process.id === id))
    .filter((process): process is ProcessDef => process !== undefined)
    .map(suggestion);
  const text =
    decision.text ??
    (suggestions.length > 0
      ? "I'm not sure which process you mean. The closest ones I can start for you:"
      : "Sorry, I can't help with that: it does not match any process I can start for you.");
  return { replies: [{ kind: 'out_of_scope', text, suggestions }], pending: {} };
}

async function askOutcome(
  ctx: EngineContext,
  input: MessageTurn,
  decision: Extract<RoutingDecision, { kind: 'ask' }>,
  candidates: readonly ProcessDef[],
  pending: PendingDraft | undefined,
): Promise<MessageOutcome> {
  const process = candidates.find((candidate) => candidate.id === decision.processId);
  if (!process || !decision.parameters || Object.keys(decision.parameters).length === 0) {
    return {
      replies: [
        { kind: 'question', text: decision.question, ...(pending ? { requestId: pending.request.id } : {}) },
      ],
      pending: {},
    };
  }
  // Keep what the user already said so the answer to this question completes the same draft.
  const same = pending?.process.id === process.id ? pending.request : undefined;
  const parameters = { ...(same?.parameters ?? {}), ...decision.parameters };
  const saved = await saveRequest(ctx, input, process, parameters, 'drafted', same?.scheduledAt, same);
  if (!saved) return DUPLICATE;
  const { request } = saved;
  return {
    replies: [{ kind: 'question', text: decision.question, requestId: request.id }],
    pending: { requestId: request.id, awaiting: [] },
  };
}

function suggestion(process: ProcessDef): Suggestion {
  return {
    processId: process.id,
    title: process.title,
    ...(process.examples[0] ? { example: process.examples[0] } : {}),
  };
}

function routerFailed(): Reply {
  return {
    kind: 'error',
    text: 'Sorry, I could not work out what you need right now. Please try again in a moment.',
    code: 'internal',
  };
}
