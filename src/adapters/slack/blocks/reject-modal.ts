/**
 * Asked after "Reject": an optional reason the requester will see.
 */
import type { types } from '@slack/bolt';
import type { ProcessDef, RequestRecord } from '../../../core/types';
import { CALLBACK, REJECT_REASON } from '../action-ids';
import { escapeMrkdwn, mention } from './format';
import { LIMITS, plain, section, truncate } from './limits';
import { writeModalMeta } from './modal-meta';

export const REJECT_REASON_MAX = 500;

/** `from`: where the click came from, to show a refusal there once the modal has closed. */
export function rejectReasonModal(
  request: RequestRecord,
  process: ProcessDef | undefined,
  from: { channel?: string; threadTs?: string } = {},
): types.ModalView {
  const title = escapeMrkdwn(truncate(process?.title ?? request.processId, 200));
  return {
    type: 'modal',
    callback_id: CALLBACK.rejectModal,
    title: plain('Reject request', LIMITS.viewTitle),
    submit: plain('Reject', LIMITS.viewButton),
    close: plain('Back', LIMITS.viewButton),
    private_metadata: writeModalMeta({ requestId: request.id, ...from }),
    blocks: [
      section(`Reject *${title}* requested by ${mention(request.requester.id)}?`),
      {
        type: 'input',
        block_id: REJECT_REASON.blockId,
        optional: true,
        label: plain('Reason (shown to the requester)', LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: REJECT_REASON.actionId,
          multiline: true,
          max_length: REJECT_REASON_MAX,
        },
      },
    ],
  };
}

export function readRejectReason(
  stateValues: Record<string, Record<string, { value?: string | null }>>,
): string | undefined {
  const value = stateValues[REJECT_REASON.blockId]?.[REJECT_REASON.actionId]?.value;
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed === '' ? undefined : truncate(trimmed, REJECT_REASON_MAX);
}
