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
import { type SchemaField, schemaFields } from '../blocks/schema-fields';

/** Where the form came from: the request, and where to show a refusal after the modal closed. */
export interface InputModalMeta {
  requestId: string;
  channel?: string;
  threadTs?: string;
}

export function inputModal(form: InputForm, meta: InputModalMeta): types.ModalView {
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
    private_metadata: writeInputMeta(meta),
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

function writeInputMeta(meta: InputModalMeta): string {
  const compact = {
    r: meta.requestId,
    ...(meta.channel ? { c: meta.channel } : {}),
    ...(meta.threadTs ? { t: meta.threadTs } : {}),
  };
  return JSON.stringify(compact).slice(0, LIMITS.privateMetadata);
}

/** The metadata back from a submission; undefined when it is not ours. */
export function readInputMeta(raw: string): InputModalMeta | undefined {
  try {
    const parsed = JSON.parse(raw) as { r?: unknown; c?: unknown; t?: unknown };
    if (typeof parsed.r !== 'string' || parsed.r === '') return undefined;
    return {
      requestId: parsed.r,
      ...(typeof parsed.c === 'string' ? { channel: parsed.c } : {}),
      ...(typeof parsed.t === 'string' ? { threadTs: parsed.t } : {}),
    };
  } catch {
    return undefined;
  }
}
