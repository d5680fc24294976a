/**
 * The status card: one message per request, edited in place as the run moves through its states.
 */
import type { types } from '@slack/bolt';
import type { RunProgress } from '../../../core/results/progress';
import type { ProcessDef, RequestRecord } from '../../../core/types';
import { ACTION } from '../action-ids';
import { requestProgressBlock } from '../artifacts/progress-blocks';
import type { SlackMessage } from './confirmation-card';
import { elapsedMs, escapeMrkdwn, formatDuration, mention, requestStateLabel, slackDate } from './format';
import { actions, button, context, fallbackText, LIMITS, limitBlocks, section, truncate } from './limits';

export interface StatusCardExtras {
  /** The run's latest progress artifact (shown as a bar while the run is RUNNING). */
  progress?: RunProgress;
}

export function statusCard(
  request: RequestRecord,
  process: ProcessDef | undefined,
  now: Date,
  extras: StatusCardExtras = {},
): SlackMessage {
  const title = process?.title ?? request.processId;
  const version = `${request.id}:v${request.version}`;
  const state = requestStateLabel(request);
  const lines = [`*${escapeMrkdwn(truncate(title, 200))}* · ${state}`];
  if (request.run) {
    lines.push(`Elapsed: ${formatDuration(elapsedMs(request, now))}`);
    if (request.run.state.message && !isBoringMessage(request.run.state.message)) {
      lines.push(`> ${escapeMrkdwn(truncate(request.run.state.message.replace(/\s+/g, ' '), 500))}`);
    }
  }
  if (request.scheduledAt && request.run?.state.type === 'SCHEDULED') {
    lines.push(`Scheduled for ${slackDate(request.scheduledAt)}`);
  }
  const blocks: types.KnownBlock[] = [section(lines.join('\n'), `status:${version}`)];
  const progress = extras.progress
    ? requestProgressBlock(request, { progress: extras.progress }, now)
    : undefined;
  if (progress) blocks.push(progress);
  if (request.run?.url) {
    blocks.push(
      actions(
        [
          button({
            actionId: ACTION.openLink,
            text: 'Open in Prefect',
            url: request.run.url,
            value: request.id,
          }),
        ],
        `status-a:${version}`,
      ),
    );
  }
  const approvedBy = request.approvals.map((a) => mention(a.userId)).join(', ');
  const contextLine = [
    `Request \`${escapeMrkdwn(request.id)}\``,
    `requested by ${mention(request.requester.id)}`,
    approvedBy ? `approved by ${approvedBy}` : '',
    request.run?.flowRunName ? `run \`${escapeMrkdwn(request.run.flowRunName)}\`` : '',
  ].filter(Boolean);
  blocks.push(context([contextLine.join(' · ')]));
  const stateName = request.run?.state.name ?? request.status;
  return { text: fallbackText(`${title}: ${stateName}`), blocks: limitBlocks(blocks, LIMITS.messageBlocks) };
}

/** Prefect's default messages add nothing to the state name. */
function isBoringMessage(message: string): boolean {
  return /^(Run started|Run is pending|All states completed\.?)$/i.test(message.trim());
}
