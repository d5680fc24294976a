/**
 * Ids Slack sends back on interactions. Button `value`s carry only the request id: every decision
 * is taken from the stored request, never from what the payload claims.
 */
export const ACTION = {
  run: 'flowdesk_run',
  edit: 'flowdesk_edit',
  cancel: 'flowdesk_cancel',
  approve: 'flowdesk_approve',
  reject: 'flowdesk_reject',
  /** Answer a paused run's input form (the resume flow is wired by the run-input feature). */
  provideInput: 'provide_input',
  /** Link buttons ("Open in Prefect") still send block_actions: acked and ignored. */
  openLink: 'flowdesk_open_link',
} as const;

export const CALLBACK = {
  editModal: 'flowdesk_edit_modal',
  rejectModal: 'flowdesk_reject_modal',
  /** The form of a run paused for input. */
  inputModal: 'flowdesk_input_modal',
} as const;

/** Block and action id of the reject-reason input. */
export const REJECT_REASON = { blockId: 'reject_reason', actionId: 'reason' } as const;

/** Every modal input for a parameter uses this action id; the block id names the parameter. */
export const PARAM_ACTION_ID = 'value';
