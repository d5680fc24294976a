/**
 * The form of a run paused for input, generated from the input schema the flow stored, with the
 * same inputs as the Edit modal (block ids `param|<kind>|<name>`, so a submission converts back with
 * `parseEditSubmission`). Prefect wraps a plain type (`wait_for_input=int`) as `{value: T}`: that
 * lone `value` field is labelled "Your answer" rather than "Value".
 */
import type { types } from '@slack/bolt';
import type { InputForm } from '../../../core/run-input/run-input-service';
import { CALLBACK } from '../action-ids';
import { inputBlock } from '../blocks/edit-modal';
import { escapeMrkdwn } from '../blocks/format';
import { context, LIMITS, limitBlocks, plain, section, truncate } from '../blocks/limits';
import { type RequestModalMeta, writeModalMeta } from '../blocks/modal-meta';
import { type SchemaField, schemaFields } from '../blocks/schema-fields';

export function inputModal(form: InputForm, meta: RequestModalMeta): types.ModalView {
  const title = form.process?.title ?? form.request.processId;
  const run = form.request.run?.flowRunName ?? form.request.run?.flowRunId ?? '';
  const blocks: types.KnownBlock[] = [
    context([
      `*${escapeMrkdwn(truncate(title, 200))}* · run \`${escapeMrkdwn(truncate(run, 200))}\` waits for your input`,
    ]),
  ];
  if (form.description) blocks.push(section(escapeMrkdwn(truncate(form.description, 2000))));
  const inputs = answerFields(form.schema).map((field) => inputBlock(field, undefined));
  blocks.push(...inputs);
  if (inputs.length === 0) blocks.push(context(['The run asks for no values: *Send* lets it continue.']));
  return {
    type: 'modal',
    callback_id: CALLBACK.inputModal,
    title: plain('Provide input', LIMITS.viewTitle),
    submit: plain('Send', LIMITS.viewButton),
    close: plain('Cancel', LIMITS.viewButton),
    private_metadata: writeModalMeta(meta),
    blocks: limitBlocks(blocks, LIMITS.viewBlocks),
  };
}

function answerFields(schema: InputForm['schema']): SchemaField[] {
  const fields = schemaFields(schema);
  const [only] = fields;
  if (fields.length === 1 && only.name === 'value' && only.label.toLowerCase() === 'value') {
    return [{ ...only, label: 'Your answer' }];
  }
  return fields;
}
