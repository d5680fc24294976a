/**
 * The confirmation card: what will run, with which parameters, and Run / Edit / Cancel.
 * Buttons carry only the request id; the block id changes with the request version so an
 * edited card never reuses a stale block id.
 */
import type { types } from '@slack/bolt';
import type { JsonSchema, ProcessDef, RequestRecord } from '../../../core/types';
import { ACTION } from '../action-ids';
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

export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

export interface ConfirmationCardInput {
  request: RequestRecord;
  process: ProcessDef;
  schema?: JsonSchema;
  dryRun?: boolean;
  /** Set once the card is settled (run, cancelled, expired): the buttons give way to this line. */
  resolution?: string;
}

/** A run needs a second look when someone must approve it or when it targets production. */
export function needsRunConfirmDialog(process: ProcessDef, parameters: Record<string, unknown>): boolean {
  if (process.approval) return true;
  const deploymentName = process.deployment.split('/').pop() ?? '';
  if (/\bprod(uction)?\b/i.test(deploymentName)) return true;
  return Object.values(parameters).some((v) => typeof v === 'string' && /^prod(uction)?$/i.test(v.trim()));
}

export function confirmationCard(input: ConfirmationCardInput): SlackMessage {
  const { request, process } = input;
  const version = `${request.id}:v${request.version}`;
  const blocks: types.KnownBlock[] = [
    header(process.title, `card-h:${version}`),
    section(`*What it will do*\n${escapeMrkdwn(process.description.trim())}`, `card-d:${version}`),
  ];
  const fields = parameterFields(request.parameters, input.schema);
  if (fields.length > 0) blocks.push(...fieldSections(fields, `card-p:${version}`));
  else blocks.push(context(['No parameters.']));
  if (request.scheduledAt) {
    blocks.push(section(`:calendar: *Scheduled for* ${slackDate(request.scheduledAt)}`, `card-s:${version}`));
  }
  const notes: string[] = [];
  if (input.dryRun) notes.push(':test_tube: Dry run: nothing will start in Prefect.');
  if (process.approval) notes.push(':lock: Needs approval before it runs.');
  if (notes.length > 0) blocks.push(context(notes));

  if (input.resolution) blocks.push(section(input.resolution, `card-r:${version}`));
  else blocks.push(cardButtons(request, process, `card-a:${version}`));
  blocks.push(
    context([`Request \`${escapeMrkdwn(request.id)}\` · requested by ${mention(request.requester.id)}`]),
  );
  return {
    text: fallbackText(`${process.title}: confirm to run (request ${request.id})`),
    blocks: limitBlocks(blocks, LIMITS.messageBlocks),
  };
}

function cardButtons(request: RequestRecord, process: ProcessDef, blockId: string): types.ActionsBlock {
  const run = button({
    actionId: ACTION.run,
    text: process.approval ? 'Request approval' : 'Run',
    value: request.id,
    style: 'primary',
    confirm: needsRunConfirmDialog(process, request.parameters)
      ? {
          title: process.approval ? 'Send for approval?' : 'Start this run?',
          text: truncate(
            `${process.title} (${process.deployment}) ${process.approval ? 'goes to its approvers, then runs' : 'starts now'} with the parameters shown.`,
            LIMITS.confirmText,
          ),
          confirm: process.approval ? 'Send' : 'Run',
          deny: 'Back',
          style: 'primary',
        }
      : undefined,
  });
  const edit = button({ actionId: ACTION.edit, text: 'Edit', value: request.id });
  const cancel = button({ actionId: ACTION.cancel, text: 'Cancel', value: request.id });
  return actions([run, edit, cancel], blockId);
}

/**
 * The clicked card as it should look once settled: same content, buttons replaced by a line.
 * Works on the blocks Slack echoes back in the interaction, so no re-rendering is needed.
 */
export function settleMessageBlocks(blocks: unknown[] | undefined, note: string): types.KnownBlock[] {
  const kept = (blocks ?? [])
    .filter((b): b is types.KnownBlock => typeof b === 'object' && b !== null && 'type' in b)
    .filter((b) => b.type !== 'actions')
    .map((b) => {
      // Slack wants a new block_id on every update; dropping them lets Slack assign fresh ones.
      const { block_id: _dropped, ...rest } = b as types.KnownBlock & { block_id?: string };
      return rest as types.KnownBlock;
    });
  const insertAt =
    kept.length > 0 && kept[kept.length - 1].type === 'context' ? kept.length - 1 : kept.length;
  kept.splice(insertAt, 0, section(note));
  return limitBlocks(kept, LIMITS.messageBlocks);
}
