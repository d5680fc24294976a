/**
 * A router picked a process: check the requester may use it, prepare its parameters, then ask
 * for what is missing or invalid, or save the request and show the confirmation card (or, for
 * `confirm: false`, press Run right away).
 */
import type { Reply } from '../engine-api';
import type { RoutingDecision } from '../ports';
import { safeTimeZone } from '../routing/zoned-time';
import type { ProcessDef } from '../types';
import type { MessageTurn } from './admission';
import { audit } from './audit';
import { confirmRequest } from './confirm-request';
import type { PendingUpdate } from './conversation';
import { schemaForRequester } from './edit-request';
import type { EngineContext } from './engine-context';
import { dropDraft, type PendingDraft, saveRequest } from './pending-draft';
import { prepareParameters } from './prepare-parameters';
import { parametersQuestion } from './questions';

export interface MessageOutcome {
  replies: Reply[];
  pending: PendingUpdate;
  /** Work the replies do not depend on (an expiry, the audit line), done after them by the caller. */
  afterwards?: () => Promise<void>;
}

/** A scheduled time this far in the past is still taken as "now-ish" (clock skew, slow typing). */
const PAST_GRACE_MS = 60_000;

/** A duplicate delivery: nothing was written, nothing is said (handleMessage answers it with nothing). */
export const DUPLICATE: MessageOutcome = { replies: [], pending: {} };

export const DENIED_TEXT = "Sorry, you don't have access to that here. Ask your admin if you need it.";

export async function handleRunDecision(
  ctx: EngineContext,
  input: MessageTurn,
  decision: Extract<RoutingDecision, { kind: 'run' }>,
  candidates: readonly ProcessDef[],
  pending: PendingDraft | undefined,
): Promise<MessageOutcome> {
  const process = candidates.find((candidate) => candidate.id === decision.processId);
  if (!process) return { replies: [{ kind: 'denied', text: DENIED_TEXT }], pending: {} };
  const same = pending?.process.id === process.id ? pending : undefined;
  if (pending && !same) await dropDraft(ctx, pending.request);

  const scheduledAt = decision.scheduledAt ?? same?.request.scheduledAt;
  if (scheduledAt !== undefined && !isFuture(scheduledAt, ctx.clock.now())) {
    const when = describeLocalTime(scheduledAt, input.requester.tz);
    const text = `That time (${when}) is in the past, so I did not start or schedule anything. Tell me a time in the future, or ask again without a time to run it now.`;
    return { replies: [{ kind: 'error', text, code: 'schedule_invalid' }], pending: {} };
  }

  const given = { ...(same?.request.parameters ?? {}), ...decision.parameters };
  const prepared = await prepareParameters(ctx, process, given, input.requester, input.thread.channel);
  const notices: Reply[] = prepared.lookup.notice ? [{ kind: 'text', text: prepared.lookup.notice }] : [];
  const { schema } = prepared.lookup.merged;

  if (prepared.missing.length > 0 || Object.keys(prepared.errors).length > 0) {
    const saved = await saveRequest(
      ctx,
      input,
      process,
      prepared.values,
      'drafted',
      scheduledAt,
      same?.request,
    );
    if (!saved) return DUPLICATE;
    const { request } = saved;
    const text = parametersQuestion(process, schema, prepared.missing, prepared.errors);
    return {
      replies: [...notices, { kind: 'question', text, requestId: request.id }],
      pending: { requestId: request.id, awaiting: [...Object.keys(prepared.errors), ...prepared.missing] },
    };
  }

  const saved = await saveRequest(
    ctx,
    input,
    process,
    prepared.values,
    'awaiting_confirmation',
    scheduledAt,
    same?.request,
  );
  if (!saved) return DUPLICATE;
  const { request, previous } = saved;
  const wasShown = previous?.status === 'awaiting_confirmation';
  const changed =
    !wasShown ||
    JSON.stringify(previous.parameters) !== JSON.stringify(request.parameters) ||
    previous.scheduledAt !== request.scheduledAt;
  // A new request's expiry was scheduled with it; an updated draft's is scheduled here.
  const recordShown = async () => {
    if (previous) await ctx.store.scheduleExpiry(request.id, Date.parse(request.expiresAt!));
    if (!changed) return;
    audit(ctx, wasShown ? 'edited' : 'requested', request, input.requester.id, {
      parameters: request.parameters,
      via: decision.via,
      ...(request.scheduledAt ? { scheduledAt: request.scheduledAt } : {}),
    });
  };
  const pendingUpdate: PendingUpdate = { requestId: request.id, awaiting: [] };
  if (!process.confirm) {
    // Confirming cancels the expiry and audits the confirmation: both come after these.
    await recordShown();
    const confirmed = await confirmRequest(ctx, {
      actor: input.requester,
      requestId: request.id,
      channel: input.thread.channel,
    });
    return { replies: [...notices, ...confirmed], pending: pendingUpdate };
  }
  const cardSchema = schemaForRequester(schema, input.requester, input.thread.channel);
  const card: Reply = {
    kind: 'confirmation',
    request,
    process,
    schema: cardSchema,
    dryRun: ctx.prefect === null,
  };
  // Nothing on the card depends on them: they are written once the card is out.
  return { replies: [...notices, card], pending: pendingUpdate, afterwards: recordShown };
}

/** "Sat 25 Oct, 01:00 CEST": the time as the requester reads it (the ISO value as a fallback). */
function describeLocalTime(iso: string, tz: string): string {
  const at = new Date(iso);
  if (!Number.isFinite(at.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: safeTimeZone(tz),
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}

function isFuture(iso: string, now: Date): boolean {
  const at = Date.parse(iso);
  return Number.isFinite(at) && at >= now.getTime() - PAST_GRACE_MS;
}
