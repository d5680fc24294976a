/**
 * The approval card, posted in the request's thread and by DM to each approver: process,
 * parameters, requester, expiry, and Approve / Reject (both behind confirm dialogs).
 */
import type { types } from '@slack/bolt';
import { approvalSubject } from '../../../core/engine/approval-subject';
import type { ProcessDef, RequestRecord } from '../../../core/types';
import { ACTION } from '../action-ids';
import type { SlackMessage } from './confirmation-card';
import { escapeMrkdwn, mention, parameterFields, slackDate } from './format';
import {
  actions,
  button,
  context,
  fallbackText,
  fieldSections,
  header,
  LIMITS,
  limitBlocks,
  section,
  truncate,
} from './limits';

export interface ApprovalCardInput {
  request: RequestRecord;
  process: ProcessDef;
  /** Set when the decision is made (approved, rejected, expired, cancelled): buttons go away. */
  resolution?: string;
  /** Link to the request's thread, for the DM copy. */
  threadLink?: string;
}

/**
 * The fingerprint of what an approval card showed, from the block id of its buttons (Slack sends
 * it back with the click), or undefined for other blocks.
 */
export function approvalSubjectOfBlock(blockId: string | undefined): string | undefined {
  return blockId?.startsWith('appr-a:') ? /:s([0-9a-f]{8})$/.exec(blockId)?.[1] : undefined;
}

export function approvalCard(input: ApprovalCardInput): SlackMessage {
  const { request, process } = input;
  const version = `${request.id}:v${request.version}`;
  const needed = process.approval?.minApprovals ?? 1;
  const blocks: types.KnownBlock[] = [
    header(`Approval needed: ${process.title}`, `appr-h:${version}`),
    section(
      `${mention(request.requester.id)} asks to run *${escapeMrkdwn(truncate(process.title, 200))}* ` +
        `(\`${escapeMrkdwn(process.deployment)}\`).\n${escapeMrkdwn(truncate(process.description.trim(), 1500))}`,
      `appr-d:${version}`,
    ),
  ];
  const fields = parameterFields(request.parameters);
  if (fields.length > 0) blocks.push(...fieldSections(fields, `appr-p:${version}`));
  const facts: string[] = [];
  if (request.expiresAt) facts.push(`:alarm_clock: Expires ${slackDate(request.expiresAt)}`);
  if (request.scheduledAt) facts.push(`:calendar: Scheduled for ${slackDate(request.scheduledAt)}`);
  if (needed > 1) {
    const who = request.approvals.map((a) => mention(a.userId)).join(', ');
    facts.push(`Approvals: ${request.approvals.length}/${needed}${who ? ` (${who})` : ''}`);
  }
  if (input.threadLink) facts.push(`<${input.threadLink}|Open the request thread>`);
  if (facts.length > 0) blocks.push(context(facts));

  if (input.resolution) {
    blocks.push(section(input.resolution, `appr-r:${version}`));
  } else {
    blocks.push(
      actions(
        [
          button({
            actionId: ACTION.approve,
            text: 'Approve',
            value: request.id,
            style: 'primary',
            confirm: {
              title: 'Approve this run?',
              text: truncate(`${process.title} will run with the parameters shown, on your approval.`, 300),
              confirm: 'Approve',
              deny: 'Back',
              style: 'primary',
            },
          }),
          button({
            actionId: ACTION.reject,
            text: 'Reject',
            value: request.id,
            style: 'danger',
            confirm: {
              title: 'Reject this run?',
              text: 'The requester is told it was rejected. You can give a reason next.',
              confirm: 'Reject',
              deny: 'Back',
              style: 'danger',
            },
          }),
        ],
        `appr-a:${version}:s${approvalSubject(request)}`,
      ),
    );
  }
  blocks.push(context([`Request \`${escapeMrkdwn(request.id)}\``]));
  return {
    text: fallbackText(`Approval needed: ${process.title} requested by ${request.requester.name}`),
    blocks: limitBlocks(blocks, LIMITS.messageBlocks),
  };
}
