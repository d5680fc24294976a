/**
 * Block Kit limits (docs.slack.dev/reference/block-kit) and the helpers that keep every message,
 * modal and Home tab inside them. Slack rejects the whole message (`invalid_blocks`) when one
 * element is too long, so builders never pass user text through without these helpers.
 */
import type { types } from '@slack/bolt';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  contextElements: 10,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  viewTitle: 24,
  viewButton: 24,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputMax: 3000,
  privateMetadata: 3000,
  /** Slack truncates longer fallback text; keep well below its 40k. */
  messageText: 3000,
} as const;

const ELLIPSIS = '…';

/** Cuts `text` to at most `max` characters (code points), ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 1) return chars.slice(0, max).join('');
  return chars.slice(0, max - 1).join('') + ELLIPSIS;
}

/**
 * Truncates text that is already mrkdwn-escaped without cutting an entity (`&amp;`) or a
 * Slack link (`<@U123>`, `<url|label>`) in half, and closes a ``` code block it cut into.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (Array.from(text).length <= max) return text;
  const closing = '\n```';
  let cut = backOffPartialToken(
    Array.from(text)
      .slice(0, Math.max(0, max - 1))
      .join(''),
  );
  if (countFences(cut) % 2 === 0) return cut + ELLIPSIS;
  cut = backOffPartialToken(
    Array.from(cut)
      .slice(0, Math.max(0, max - 1 - closing.length))
      .join(''),
  );
  return countFences(cut) % 2 === 1 ? cut + ELLIPSIS + closing : cut + ELLIPSIS;
}

function countFences(text: string): number {
  return text.split('```').length - 1;
}

function backOffPartialToken(cut: string): string {
  let result = cut;
  const lastAmp = result.lastIndexOf('&');
  if (lastAmp >= 0 && !result.slice(lastAmp).includes(';')) result = result.slice(0, lastAmp);
  const lastOpen = result.lastIndexOf('<');
  if (lastOpen >= 0 && !result.slice(lastOpen).includes('>')) result = result.slice(0, lastOpen);
  // A dangling backtick or two would start a broken fence.
  return result.replace(/`{1,2}$/, '');
}

/** Escapes the three characters Slack's mrkdwn treats as control (links, mentions, entities). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Ids (block_id, action_id, callback_id) must be ≤ 255 characters. */
export function clampId(id: string): string {
  return id.length <= LIMITS.id ? id : id.slice(0, LIMITS.id);
}

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text.length === 0 ? ' ' : text, max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text.length === 0 ? ' ' : text, max) };
}

export function section(text: string, blockId?: string): types.SectionBlock {
  const block: types.SectionBlock = { type: 'section', text: mrkdwn(text, LIMITS.sectionText) };
  if (blockId) block.block_id = clampId(blockId);
  return block;
}

export function header(text: string, blockId?: string): types.HeaderBlock {
  const block: types.HeaderBlock = { type: 'header', text: plain(text, LIMITS.headerText) };
  if (blockId) block.block_id = clampId(blockId);
  return block;
}

export function context(texts: string[], blockId?: string): types.ContextBlock {
  const block: types.ContextBlock = {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t, LIMITS.fieldText)),
  };
  if (blockId) block.block_id = clampId(blockId);
  return block;
}

/** Splits mrkdwn fields into as many sections as needed (≤ 10 fields each, ≤ 2000 chars a field). */
export function fieldSections(fields: string[], blockIdPrefix?: string): types.SectionBlock[] {
  const sections: types.SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    const chunk = fields.slice(i, i + LIMITS.fieldsPerSection).map((f) => mrkdwn(f, LIMITS.fieldText));
    const block: types.SectionBlock = { type: 'section', fields: chunk };
    if (blockIdPrefix) block.block_id = clampId(`${blockIdPrefix}:${i / LIMITS.fieldsPerSection}`);
    sections.push(block);
  }
  return sections;
}

export interface ConfirmDialogText {
  title: string;
  text: string;
  confirm: string;
  deny: string;
  style?: 'primary' | 'danger';
}

export function confirmDialog(dialog: ConfirmDialogText): types.ConfirmationDialog {
  const result: types.ConfirmationDialog = {
    title: plain(dialog.title, LIMITS.confirmTitle),
    text: plain(dialog.text, LIMITS.confirmText),
    confirm: plain(dialog.confirm, LIMITS.confirmButton),
    deny: plain(dialog.deny, LIMITS.confirmButton),
  };
  if (dialog.style) result.style = dialog.style;
  return result;
}

export interface ButtonSpec {
  actionId: string;
  text: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialogText;
}

export function button(spec: ButtonSpec): types.Button {
  const result: types.Button = {
    type: 'button',
    action_id: clampId(spec.actionId),
    text: plain(spec.text, LIMITS.buttonText),
  };
  if (spec.value !== undefined) result.value = truncate(spec.value, LIMITS.buttonValue);
  if (spec.url !== undefined) result.url = spec.url.slice(0, LIMITS.url);
  if (spec.style) result.style = spec.style;
  if (spec.confirm) result.confirm = confirmDialog(spec.confirm);
  return result;
}

export function actions(elements: types.Button[], blockId: string): types.ActionsBlock {
  return { type: 'actions', block_id: clampId(blockId), elements: elements.slice(0, LIMITS.actionsElements) };
}

/**
 * Keeps at most `max` blocks; when there are more, the last kept block says how many were left
 * out, so a long list degrades to "n more …" instead of a rejected message.
 */
export function limitBlocks(
  blocks: types.KnownBlock[],
  max: number = LIMITS.messageBlocks,
): types.KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  const hidden = blocks.length - kept.length;
  kept.push(context([`${hidden} more …`]));
  return kept;
}

/** Top-level `text` fallback (notifications, screen readers): plain, bounded. */
export function fallbackText(text: string): string {
  return truncate(text, LIMITS.messageText);
}
