/**
 * The request a thread is completing: a draft still missing parameters, or a confirmation card
 * not yet pressed. Follow-ups ("make it staging instead", the answer to a question) update it.
 */
import type { MessageInput } from '../engine-api';
import { coerceValue } from '../params/coerce-parameters';
import { isSchema } from '../params/resolve-refs';
import type { ConversationContext, JsonSchema, ParameterValues, ProcessDef, RequestRecord } from '../types';
import type { MessageTurn } from './admission';
import { conflict } from './confirm-request';
import type { EngineContext } from './engine-context';
import { closeRequest, isExpired, newRequestRecord } from './request-records';
import { transition } from './transition';

export interface PendingDraft {
  request: RequestRecord;
  process: ProcessDef;
  /** Parameters the last question asked for. */
  missing: string[];
}

export async function loadPending(
  ctx: EngineContext,
  conversation: ConversationContext | null,
  input: MessageInput,
  candidates: readonly ProcessDef[],
): Promise<PendingDraft | undefined> {
  const id = conversation?.pendingRequestId;
  if (!id) return undefined;
  const request = await ctx.store.getRequest(id);
  if (!request || !isOpenDraft(request) || isExpired(request, ctx.clock.now())) return undefined;
  // In a shared thread, only the requester's own messages complete their draft.
  if (request.requester.id !== input.requester.id) return undefined;
  const process = candidates.find((candidate) => candidate.id === request.processId);
  if (!process) return undefined;
  return { request, process, missing: conversation?.awaitingParameters ?? [] };
}

function isOpenDraft(request: RequestRecord): boolean {
  return request.status === 'drafted' || request.status === 'awaiting_confirmation';
}

/**
 * Creates the request, or updates the pending one (same process) with the new values. Null when
 * the message turned out to be a duplicate delivery (a new request carries its claim): nothing
 * was written.
 */
export async function saveRequest(
  ctx: EngineContext,
  input: MessageTurn,
  process: ProcessDef,
  values: ParameterValues,
  status: 'drafted' | 'awaiting_confirmation',
  scheduledAt: string | undefined,
  existing: RequestRecord | undefined,
): Promise<{ request: RequestRecord; previous: RequestRecord | undefined } | null> {
  if (existing) {
    const { after, before } = await transition(ctx, existing.id, (current, now) => {
      if (!isOpenDraft(current)) throw conflict(current);
      const { scheduledAt: _old, ...rest } = current;
      const next: RequestRecord = {
        ...rest,
        parameters: values,
        status,
        expiresAt: new Date(now.getTime() + ctx.draftTtlMs).toISOString(),
        ...(scheduledAt ? { scheduledAt } : {}),
      };
      return { next, result: null };
    });
    return { request: after, previous: before };
  }
  const request = newRequestRecord({
    id: ctx.ids.newRequestId(),
    processId: process.id,
    parameters: values,
    requester: input.requester,
    thread: input.thread,
    status,
    now: ctx.clock.now(),
    ttlMs: ctx.draftTtlMs,
    ...(scheduledAt ? { scheduledAt } : {}),
  });
  // A card waiting for its Run button expires by itself: scheduled in the same write as the request.
  const expiry =
    status === 'awaiting_confirmation' && request.expiresAt
      ? { expiresAtMs: Date.parse(request.expiresAt) }
      : {};
  const created = await input.admission.ride((once) =>
    ctx.store.createRequest(request, { ...expiry, ...(once ? { once } : {}) }),
  );
  return created ? { request, previous: undefined } : null;
}

/** A draft nobody will finish (the thread moved on to another process): close it quietly. */
export async function dropDraft(ctx: EngineContext, draft: RequestRecord): Promise<void> {
  if (draft.status !== 'drafted') return;
  try {
    await transition(ctx, draft.id, (current) =>
      current.status === 'drafted'
        ? { next: closeRequest(current, 'superseded'), result: null }
        : { next: null, result: null },
    );
  } catch (error) {
    ctx.logger.warn(
      { requestId: draft.id, err: (error as Error).message },
      'could not close a superseded draft',
    );
  }
}

/**
 * When the bot asked for exactly one parameter and the router did not pick the answer up, a reply
 * that is plainly a value for it is taken as the answer: an enum choice, an e-mail for an e-mail
 * field, text matching the field's pattern, a number or yes/no for such fields. Free text for a
 * plain text field is left to the router ("never mind" must not become a parameter value).
 */
export function answerFromText(text: string, schema: JsonSchema, name: string): ParameterValues | undefined {
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const prop = properties[name];
  const answer = text.trim();
  if (!prop || answer === '' || answer.includes('\n') || answer.length > 200) return undefined;
  if (Array.isArray(prop.enum)) {
    const match = prop.enum.find((value) => String(value).toLowerCase() === answer.toLowerCase());
    return match === undefined ? undefined : { [name]: match };
  }
  if (prop.format === 'email') return EMAIL.test(answer) ? { [name]: answer } : undefined;
  if (typeof prop.pattern === 'string') return matches(prop.pattern, answer) ? { [name]: answer } : undefined;
  const coerced = coerceValue(prop, answer);
  return coerced !== answer ? { [name]: coerced } : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return false;
  }
}
