/** From a validated map entry (snake_case, as written) to the domain's ProcessDef. */
import type { ApprovalPolicy, JsonSchema, ProcessDef, SourceRef } from '../types';
import { splitRequiredFlag } from './parameter-fragments';
import { parseDuration } from './parse-duration';
import type { ParsedProcess } from './process-map-schema';

export function toProcessDef(parsed: ParsedProcess, source: SourceRef): ProcessDef {
  const parameters: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, fragment] of Object.entries(parsed.parameters)) {
    const split = splitRequiredFlag(fragment);
    parameters[name] = split.schema;
    if (split.required) required.push(name);
  }
  return {
    id: parsed.id,
    title: parsed.title,
    description: parsed.description,
    deployment: parsed.deployment,
    examples: parsed.examples,
    aliases: parsed.aliases,
    parameters,
    required,
    ...(parsed.access ? { access: parsed.access } : {}),
    ...(parsed.approval ? { approval: toApprovalPolicy(parsed.approval) } : {}),
    confirm: parsed.confirm,
    tags: parsed.tags,
    ...(parsed.results ? { results: parsed.results } : {}),
    source,
  };
}

function toApprovalPolicy(approval: NonNullable<ParsedProcess['approval']>): ApprovalPolicy {
  return {
    approvers: { users: approval.approvers.users, usergroups: approval.approvers.usergroups },
    minApprovals: approval.min_approvals,
    selfApproval: approval.self_approval,
    expiresAfterMs: parseDuration(approval.expires_after),
  };
}
