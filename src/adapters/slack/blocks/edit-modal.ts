/**
 * The Edit modal, generated from the merged parameter schema: enums → static_select, booleans →
 * checkboxes, dates → datepicker, date-times → datetimepicker, numbers → number_input, strings →
 * plain_text_input, string lists → one per line, anything else → JSON. Each input's block id
 * names its parameter and kind (`param|<kind>|<name>`) so a submission converts back to typed
 * values without another trip to the engine, and engine errors land on the right input.
 */
import type { types } from '@slack/bolt';
import type { EditForm } from '../../../core/engine-api';
import type { ParameterValues } from '../../../core/types';
import { CALLBACK, PARAM_ACTION_ID } from '../action-ids';
import { escapeMrkdwn } from './format';
import { clampId, context, LIMITS, limitBlocks, plain, truncate } from './limits';
import { type FieldKind, type SchemaField, schemaFields } from './schema-fields';

const BLOCK_PREFIX = 'param|';

export function paramBlockId(kind: FieldKind, name: string): string {
  return clampId(`${BLOCK_PREFIX}${kind}|${name}`);
}

export function parseParamBlockId(blockId: string): { kind: FieldKind; name: string } | undefined {
  if (!blockId.startsWith(BLOCK_PREFIX)) return undefined;
  const rest = blockId.slice(BLOCK_PREFIX.length);
  const bar = rest.indexOf('|');
  if (bar < 0) return undefined;
  return { kind: rest.slice(0, bar) as FieldKind, name: rest.slice(bar + 1) };
}

export function editModal(form: EditForm): types.ModalView {
  const fields = schemaFields(form.schema);
  const intro = context([
    `*${escapeMrkdwn(truncate(form.process.title, 200))}* · request \`${escapeMrkdwn(form.request.id)}\``,
  ]);
  const inputs = fields.map((field) => inputBlock(field, form.request.parameters[field.name]));
  const blocks: types.KnownBlock[] = [intro, ...inputs];
  if (inputs.length === 0) blocks.push(context(['This process has no parameters to edit.']));
  return {
    type: 'modal',
    callback_id: CALLBACK.editModal,
    title: plain('Edit parameters', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewButton),
    close: plain('Cancel', LIMITS.viewButton),
    private_metadata: form.request.id.slice(0, LIMITS.privateMetadata),
    blocks: limitBlocks(blocks, LIMITS.viewBlocks),
  };
}

/** One modal input for a schema field (also used by the run-input form), pre-filled with `current`. */
export function inputBlock(field: SchemaField, current: unknown): types.InputBlock {
  const value = current === undefined ? field.defaultValue : current;
  const hintParts = [field.description, constraintHint(field)].filter((p): p is string => Boolean(p));
  const block: types.InputBlock = {
    type: 'input',
    block_id: paramBlockId(field.kind, field.name),
    label: plain(field.label, LIMITS.inputLabel),
    optional: !field.required || field.kind === 'boolean',
    element: elementFor(field, value),
  };
  if (hintParts.length > 0) block.hint = plain(hintParts.join(' '), LIMITS.inputHint);
  return block;
}

function constraintHint(field: SchemaField): string | undefined {
  if (field.allowedValues) {
    const shown = field.allowedValues.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
    return truncate(`One of: ${shown}`, 500);
  }
  if (field.kind === 'lines') return 'One value per line.';
  if (field.kind === 'json') return 'JSON value.';
  return undefined;
}

function elementFor(field: SchemaField, value: unknown): types.InputBlockElement {
  const action_id = PARAM_ACTION_ID;
  switch (field.kind) {
    case 'enum':
      return staticSelect(field, value);
    case 'multi':
      return multiSelect(field, value);
    case 'boolean': {
      const option = { text: plain(field.label, LIMITS.optionText), value: 'true' };
      const element: types.Checkboxes = { type: 'checkboxes', action_id, options: [option] };
      if (value === true) element.initial_options = [option];
      return element;
    }
    case 'date': {
      const element: types.Datepicker = { type: 'datepicker', action_id };
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) element.initial_date = value;
      return element;
    }
    case 'datetime': {
      const element: types.DateTimepicker = { type: 'datetimepicker', action_id };
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isFinite(ms)) element.initial_date_time = Math.floor(ms / 1000);
      return element;
    }
    case 'integer':
    case 'number': {
      const element: types.NumberInput = {
        type: 'number_input',
        action_id,
        is_decimal_allowed: field.kind === 'number',
      };
      if (typeof value === 'number' && Number.isFinite(value)) element.initial_value = String(value);
      if (field.minimum !== undefined) element.min_value = String(field.minimum);
      if (field.maximum !== undefined) element.max_value = String(field.maximum);
      return element;
    }
    default:
      return textInput(field, value);
  }
}

function textInput(field: SchemaField, value: unknown): types.PlainTextInput {
  const element: types.PlainTextInput = { type: 'plain_text_input', action_id: PARAM_ACTION_ID };
  const max = Math.min(field.maxLength ?? LIMITS.plainTextInputMax, LIMITS.plainTextInputMax);
  if (field.kind === 'string' && field.maxLength !== undefined) element.max_length = max;
  if (field.kind === 'string' && field.minLength !== undefined && field.minLength > 0) {
    element.min_length = Math.min(field.minLength, max);
  }
  if (field.multiline) element.multiline = true;
  const initial = initialText(field.kind, value);
  // Slack rejects an initial value longer than the input accepts: cut it rather than lose the modal.
  if (initial !== undefined && initial !== '') element.initial_value = truncate(initial, max);
  if (field.kind === 'string' && field.allowedValues === undefined && field.description === undefined) {
    element.placeholder = plain(field.label, LIMITS.placeholder);
  }
  return element;
}

function initialText(kind: FieldKind, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (kind === 'lines' && Array.isArray(value)) return value.map(String).join('\n');
  if (kind === 'string') return typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(value, null, 2);
}

function options(field: SchemaField): Array<types.PlainTextOption & { value: string }> {
  return (field.enumValues ?? [])
    .map((v) => ({
      text: plain(typeof v === 'string' ? v : JSON.stringify(v), LIMITS.optionText),
      value: JSON.stringify(v),
    }))
    .filter((o) => o.value.length <= LIMITS.optionValue)
    .slice(0, LIMITS.selectOptions);
}

function staticSelect(field: SchemaField, value: unknown): types.StaticSelect {
  const opts = options(field);
  const element: types.StaticSelect = { type: 'static_select', action_id: PARAM_ACTION_ID, options: opts };
  const initial = opts.find((o) => o.value === JSON.stringify(value));
  if (initial) element.initial_option = initial;
  return element;
}

function multiSelect(field: SchemaField, value: unknown): types.MultiStaticSelect {
  const opts = options(field);
  const element: types.MultiStaticSelect = {
    type: 'multi_static_select',
    action_id: PARAM_ACTION_ID,
    options: opts,
  };
  if (Array.isArray(value)) {
    const wanted = new Set(value.map((v) => JSON.stringify(v)));
    const initial = opts.filter((o) => wanted.has(o.value));
    if (initial.length > 0) element.initial_options = initial;
  }
  return element;
}

// ------------------------------------------------------------------ submission

/** What Slack sends in `view.state.values[blockId][actionId]` for the elements we use. */
export interface SubmittedElement {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
  selected_date?: string | null;
  selected_date_time?: number | null;
}

export interface ParsedSubmission {
  values: ParameterValues;
  /** Errors found before the engine sees anything (unparsable JSON, not a number), by block id. */
  errors: Record<string, string>;
}

export function parseEditSubmission(
  stateValues: Record<string, Record<string, SubmittedElement>>,
): ParsedSubmission {
  const values: ParameterValues = {};
  const errors: Record<string, string> = {};
  // `view.state.values` reaches us as whatever JSON the request carried: anything not shaped like
  // `{ [blockId]: { [actionId]: element } }` is skipped rather than trusted.
  if (!isRecord(stateValues)) return { values, errors };
  for (const [blockId, byAction] of Object.entries(stateValues as Record<string, unknown>)) {
    const parsed = parseParamBlockId(blockId);
    if (!parsed || !isRecord(byAction)) continue;
    const element = Object.hasOwn(byAction, PARAM_ACTION_ID) ? byAction[PARAM_ACTION_ID] : undefined;
    if (!isRecord(element)) continue;
    const result = convert(parsed.kind, element);
    if ('error' in result) errors[blockId] = result.error;
    else if (result.value !== undefined) setOwn(values, parsed.name, result.value);
  }
  return { values, errors };
}

type Converted = { value: unknown } | { error: string };

const UNEXPECTED = 'Unexpected value.';

function convert(kind: FieldKind, element: Record<string, unknown>): Converted {
  const text = typeof element.value === 'string' ? element.value : undefined;
  switch (kind) {
    case 'boolean':
      return convertChecked(element.selected_options);
    case 'date':
      return convertDate(element.selected_date);
    case 'datetime':
      return convertDateTime(element.selected_date_time);
    case 'enum':
      return convertSelected(element.selected_option);
    case 'multi':
      return convertMulti(element.selected_options);
    case 'integer':
    case 'number': {
      if (text === undefined || text.trim() === '') return { value: undefined };
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: 'Enter a number.' };
      if (kind === 'integer' && !Number.isInteger(n)) return { error: 'Enter a whole number.' };
      return { value: n };
    }
    case 'lines':
      if (text === undefined || text.trim() === '') return { value: undefined };
      return {
        value: text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean),
      };
    case 'json':
      if (text === undefined || text.trim() === '') return { value: undefined };
      return parseJson(text, 'This is not valid JSON.');
    default:
      return { value: text === undefined || text === '' ? undefined : text };
  }
}

/** Checkboxes: ticked when an option with value "true" is selected; absent options = unticked. */
function convertChecked(selected: unknown): Converted {
  if (selected === undefined || selected === null) return { value: false };
  if (!Array.isArray(selected)) return { error: UNEXPECTED };
  return { value: selected.some((option) => isRecord(option) && option.value === 'true') };
}

function convertDate(selected: unknown): Converted {
  if (selected === undefined || selected === null || selected === '') return { value: undefined };
  return typeof selected === 'string' ? { value: selected } : { error: UNEXPECTED };
}

/** Slack sends epoch seconds; anything that is not a representable instant is refused, not thrown on. */
function convertDateTime(seconds: unknown): Converted {
  if (seconds === undefined || seconds === null) return { value: undefined };
  const date = typeof seconds === 'number' ? new Date(seconds * 1000) : undefined;
  if (!date || !Number.isFinite(date.getTime())) return { error: 'Pick a valid date and time.' };
  return { value: date.toISOString() };
}

function convertSelected(option: unknown): Converted {
  if (option === undefined || option === null) return { value: undefined };
  return isRecord(option) && typeof option.value === 'string'
    ? parseJson(option.value)
    : { error: UNEXPECTED };
}

function convertMulti(selected: unknown): Converted {
  if (selected === undefined || selected === null) return { value: [] };
  if (!Array.isArray(selected)) return { error: UNEXPECTED };
  const parsed = selected.map(convertSelected);
  const bad = parsed.find((p) => 'error' in p || p.value === undefined);
  if (bad) return 'error' in bad ? bad : { error: UNEXPECTED };
  return { value: parsed.map((p) => (p as { value: unknown }).value) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sets an own property even for names like `__proto__`, which plain assignment would not. */
function setOwn(target: ParameterValues, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function parseJson(text: string, message = 'Unexpected value.'): Converted {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: message };
  }
}

/**
 * Engine errors are keyed by parameter name; Slack wants them by block id of an input in the
 * modal. Errors for parameters without an input are shown on the first input.
 */
export function errorsByBlockId(
  engineErrors: Record<string, string>,
  stateValues: Record<string, unknown>,
): Record<string, string> {
  const blockByName = new Map<string, string>();
  for (const blockId of Object.keys(stateValues)) {
    const parsed = parseParamBlockId(blockId);
    if (parsed) blockByName.set(parsed.name, blockId);
  }
  const result: Record<string, string> = {};
  const orphans: string[] = [];
  for (const [name, message] of Object.entries(engineErrors)) {
    const blockId = blockByName.get(name);
    if (blockId) result[blockId] = truncate(message, 2000);
    else orphans.push(name ? `${name}: ${message}` : message);
  }
  if (orphans.length > 0) {
    const first = Object.keys(stateValues).find((id) => parseParamBlockId(id));
    if (first) result[first] = truncate([result[first], ...orphans].filter(Boolean).join(' · '), 2000);
  }
  return result;
}
