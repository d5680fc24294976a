/**
 * "Edit" on a card: the form is the merged parameter schema; a submit is validated field by field
 * (nothing changes when any field is wrong) and replaces the parameters. A change after approvals
 * voids them: the request goes back to awaiting confirmation and needs approving again.
 */
import type { ActionInput, EditForm, EditResult } from '../engine-api';
import { resolveDefaults, resolveTemplates } from '../params/resolve-defaults';
import { isSchema } from '../params/resolve-refs';
import type { JsonSchema, ParameterValues, Requester, RequestRecord } from '../types';
import { loadForAction } from './action-guard';
import { audit } from './audit';
import { conflict } from './confirm-request';
import type { EngineContext } from './engine-context';
import { isExpiring } from './request-records';
import { notifySafely, transitionUnlessExpired } from './transition';

export async function editForm(ctx: EngineContext, input: ActionInput): Promise<EditForm> {
  const { process } = await loadForAction(ctx, input);
  const { after: request } = await transitionUnlessExpired(
    ctx,
    input.requestId,
    input.actor.id,
    (current) => {
      if (!isExpiring(current)) throw conflict(current);
      return { next: null, result: null };
    },
  );
  const { merged } = await ctx.schemas.forProcess(process);
  return {
    request,
    process,
    schema: schemaForRequester(merged.schema, request.requester, request.thread.channel),
  };
}

export async function submitEdit(
  ctx: EngineContext,
  input: ActionInput & { values: ParameterValues },
): Promise<EditResult> {
  const { request, process } = await loadForAction(ctx, input);
  const { merged } = await ctx.schemas.forProcess(process);
  const given = dropBlank({ ...request.parameters, ...input.values });
  const context = { requester: request.requester, channel: request.thread.channel };
  const { values: filled, unresolved } = resolveDefaults(merged, given, context);
  const validation = ctx.validator.validate(merged.schema, filled);
  const errors = { ...validation.errors };
  for (const name of [...merged.needed, ...unresolved])
    if (filled[name] === undefined) errors[name] ??= 'is required';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const { after, before } = await transitionUnlessExpired(
    ctx,
    input.requestId,
    input.actor.id,
    (current, now) => {
      if (!isExpiring(current)) throw conflict(current);
      const next: RequestRecord = {
        ...current,
        parameters: validation.values,
        status: 'awaiting_confirmation',
        approvals: [],
        expiresAt: new Date(now.getTime() + ctx.draftTtlMs).toISOString(),
      };
      return { next, result: null };
    },
  );
  const voided = before.approvals.length > 0 || before.status === 'awaiting_approval';
  await ctx.store.scheduleExpiry(after.id, Date.parse(after.expiresAt!));
  audit(ctx, 'edited', after, input.actor.id, {
    parameters: after.parameters,
    ...(voided ? { voidedApprovals: before.approvals.map((approval) => approval.userId) } : {}),
  });
  if (voided) await notifySafely(ctx, after, process, { kind: 'state_changed' });
  const schema = schemaForRequester(merged.schema, after.requester, after.thread.channel);
  return {
    ok: true,
    replies: [
      ...(voided
        ? [
            {
              kind: 'text' as const,
              text: 'The parameters changed, so earlier approvals no longer count: it needs approving again after Run.',
            },
          ]
        : []),
      { kind: 'confirmation', request: after, process, schema, dryRun: ctx.prefect === null },
    ],
  };
}

/** The schema with template defaults resolved for this requester (unknown ones dropped). */
export function schemaForRequester(schema: JsonSchema, requester: Requester, channel: string): JsonSchema {
  if (!isSchema(schema.properties)) return schema;
  const properties: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
    if (!('default' in prop)) {
      properties[name] = prop;
      continue;
    }
    const resolved = resolveTemplates(prop.default, { requester, channel });
    const { default: _dropped, ...rest } = prop;
    properties[name] = resolved.ok ? { ...rest, default: resolved.value } : rest;
  }
  return { ...schema, properties };
}

function dropBlank(values: ParameterValues): ParameterValues {
  const out: ParameterValues = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    out[name] = value;
  }
  return out;
}
