/**
 * The shape of one process-map file (SPEC §3, version 1), as a zod schema.
 * Every object is strict: a misspelt field is an error, never silently ignored, because a typo in
 * `approval` or `access` would otherwise widen who may run a deployment.
 * Cross-field rules that need more context (aliases, parameter JSON Schemas, duplicate ids) live in
 * `check-process.ts` and `build-catalog.ts`.
 */
import { z } from 'zod';

export const PROCESS_ID_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
/** Prefect parameters are Python argument names. */
export const PARAMETER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** "<flow name>/<deployment name>": two non-empty parts without surrounding spaces. */
export const DEPLOYMENT_REF_PATTERN = /^[^/\s](?:[^/]*[^/\s])?\/[^/\s](?:[^/]*[^/\s])?$/;
/** A whole number of minutes, hours, days or weeks: 30m, 4h, 2d, 1w. */
export const DURATION_PATTERN = /^([1-9][0-9]{0,5})(m|h|d|w)$/;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_USERGROUP_ID = /^S[A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
/** flowdesk writes `requested-by:<user>` itself; a map must not be able to forge it. */
const RESERVED_TAG_PREFIX = 'requested-by:';

const text = z.string().trim().min(1, { error: 'must not be empty' });

const slackIds = (pattern: RegExp, what: string, example: string) =>
  z.array(
    z
      .string()
      .regex(pattern, { error: `must be a Slack ${what} id like ${example} (not a name or @mention)` }),
  );

const accessSchema = z
  .strictObject({
    users: slackIds(SLACK_USER_ID, 'user', 'U0123ABCD').optional(),
    usergroups: slackIds(SLACK_USERGROUP_ID, 'user group', 'S0456EFGH').optional(),
    channels: slackIds(SLACK_CHANNEL_ID, 'channel', 'C0789IJKL').optional(),
  })
  .superRefine((access, ctx) => {
    const listed =
      (access.users?.length ?? 0) + (access.usergroups?.length ?? 0) + (access.channels?.length ?? 0);
    if (listed === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          'lists no users, user groups or channels, so nobody could request it (remove "access" to allow everyone)',
      });
    }
  });

const approvalSchema = z
  .strictObject({
    approvers: z.strictObject({
      users: slackIds(SLACK_USER_ID, 'user', 'U0123ABCD').default([]),
      usergroups: slackIds(SLACK_USERGROUP_ID, 'user group', 'S0LEADS01').default([]),
    }),
    min_approvals: z.number().int().min(1, { error: 'must be at least 1' }).default(1),
    self_approval: z.boolean().default(false),
    expires_after: z
      .string()
      .regex(DURATION_PATTERN, { error: 'must be a duration like 30m, 24h, 2d or 1w' })
      .default('24h'),
  })
  .superRefine((approval, ctx) => {
    const { users, usergroups } = approval.approvers;
    if (users.length === 0 && usergroups.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvers'],
        message: 'needs at least one approver user or usergroup',
      });
    } else if (usergroups.length === 0 && approval.min_approvals > users.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['min_approvals'],
        message: `is ${approval.min_approvals} but only ${users.length} approver user(s) are listed, so no run could ever be approved`,
      });
    }
  });

const resultsSchema = z.strictObject({
  keys: z.array(text).optional(),
  upload: z.boolean().default(false),
  summary: text.optional(),
});

/** A JSON Schema fragment; its keywords are checked with ajv in `check-process.ts`. */
const parameterFragment = z.record(z.string(), z.unknown());

const tagSchema = text.refine((tag) => !tag.startsWith(RESERVED_TAG_PREFIX), {
  error: `must not start with "${RESERVED_TAG_PREFIX}" (flowdesk sets that tag itself)`,
});

export const processSchema = z.strictObject({
  id: z.string().regex(PROCESS_ID_PATTERN, {
    error: 'must start with a lower-case letter and use only a-z, 0-9, "-" and "_", at most 63 characters',
  }),
  title: text,
  description: text,
  deployment: z.string().regex(DEPLOYMENT_REF_PATTERN, {
    error: 'must be "<flow name>/<deployment name>", e.g. reset-vpn/production',
  }),
  examples: z.array(text).min(1, { error: 'needs at least one example request in users\u2019 words' }),
  aliases: z.array(text).default([]),
  parameters: z
    .record(
      z.string().regex(PARAMETER_NAME_PATTERN, {
        error: 'is not a valid parameter name (letters, digits and "_", not starting with a digit)',
      }),
      parameterFragment,
    )
    .default({}),
  access: accessSchema.optional(),
  approval: approvalSchema.optional(),
  confirm: z.boolean().default(true),
  tags: z.array(tagSchema).default([]),
  results: resultsSchema.optional(),
});

export const processMapFileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1 (the only process-map version this flowdesk understands)' }),
  processes: z.array(processSchema).min(1, { error: 'must list at least one process' }),
});

export type ParsedProcess = z.output<typeof processSchema>;

/** The fields each strict section allows, keyed by the field that holds the section ('' = the file). */
export const SECTION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(processMapFileSchema.shape),
  processes: Object.keys(processSchema.shape),
  access: Object.keys(accessSchema.shape),
  approval: Object.keys(approvalSchema.shape),
  approvers: Object.keys(approvalSchema.shape.approvers.shape),
  results: Object.keys(resultsSchema.shape),
};
