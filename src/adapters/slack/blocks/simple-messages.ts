/**
 * Short replies: plain text, questions, out-of-scope with suggestions, refusals, errors and the
 * "provide input" prompt of a paused run.
 */
import type { types } from '@slack/bolt';
import type { Suggestion } from '../../../core/engine-api';
import type { ProcessDef, RequestRecord } from '../../../core/types';
import { ACTION } from '../action-ids';
import type { SlackMessage } from './confirmation-card';
import { escapeMrkdwn, mention } from './format';
import { actions, button, context, fallbackText, LIMITS, limitBlocks, section, truncate } from './limits';

/** Text the engine wrote (it may contain user words): escaped, bounded. */
export function textMessage(text: string): SlackMessage {
  return { text: fallbackText(text), blocks: [section(escapeMrkdwn(text))] };
}

export function questionMessage(text: string, requestId?: string): SlackMessage {
  const blocks: types.KnownBlock[] = [section(`:speech_balloon: ${escapeMrkdwn(text)}`)];
  if (requestId) blocks.push(context([`Request \`${escapeMrkdwn(requestId)}\` · reply in this thread`]));
  return { text: fallbackText(text), blocks };
}

export function outOfScopeMessage(text: string, suggestions: Suggestion[]): SlackMessage {
  const blocks: types.KnownBlock[] = [section(`:thinking_face: ${escapeMrkdwn(text)}`)];
  if (suggestions.length > 0) {
    const lines = suggestions.slice(0, 10).map((s) => {
      const example = s.example ? ` — e.g. “${escapeMrkdwn(truncate(s.example, 200))}”` : '';
      return `• *${escapeMrkdwn(truncate(s.title, 200))}*${example}`;
    });
    blocks.push(section(`*Did you mean one of these?*\n${lines.join('\n')}`));
  }
  blocks.push(context(['Try `/flowdesk list` to see everything you can request.']));
  return { text: fallbackText(text), blocks: limitBlocks(blocks, LIMITS.messageBlocks) };
}

export function deniedMessage(text: string): SlackMessage {
  return { text: fallbackText(text), blocks: [section(`:no_entry: ${escapeMrkdwn(text)}`)] };
}

export function errorMessage(text: string): SlackMessage {
  return { text: fallbackText(text), blocks: [section(`:warning: ${escapeMrkdwn(text)}`)] };
}

/** A paused run waits for a person: mention the requester and offer the form. */
export function inputRequestMessage(
  request: RequestRecord,
  process: ProcessDef | undefined,
  description?: string,
): SlackMessage {
  const title = escapeMrkdwn(truncate(process?.title ?? request.processId, 200));
  const lines = [
    `:double_vertical_bar: ${mention(request.requester.id)} *${title}* is paused and waits for your input.`,
  ];
  if (description) lines.push(escapeMrkdwn(truncate(description, 2000)));
  const version = `${request.id}:v${request.version}`;
  const buttons = [
    button({ actionId: ACTION.provideInput, text: 'Provide input', value: request.id, style: 'primary' }),
  ];
  if (request.run?.url) {
    buttons.push(
      button({ actionId: ACTION.openLink, text: 'Open in Prefect', url: request.run.url, value: request.id }),
    );
  }
  return {
    text: fallbackText(`${process?.title ?? request.processId} is paused and waits for input`),
    blocks: [section(lines.join('\n'), `input:${version}`), actions(buttons, `input-a:${version}`)],
  };
}
