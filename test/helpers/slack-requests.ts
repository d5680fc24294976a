/**
 * Requests exactly as Slack sends them to `/slack/events`: events as JSON, slash commands as a
 * form, interactivity as a form with `payload=<json>`, each signed with the signing secret
 * (`v0:<timestamp>:<body>`, HMAC-SHA256, `x-slack-signature` / `x-slack-request-timestamp`).
 * Payload builders follow the shapes of the java-slack-sdk samples (AppMentionPayload,
 * MessagePayload, AppHomeOpenedPayload, BlockActionPayload, SlashCommandPayload,
 * ViewSubmissionPayload) with realistic values.
 */
import { createHmac } from 'node:crypto';

export const TEAM_ID = 'T0TEAM001';
export const APP_ID = 'A0FLOWDSK';

export interface SlackHttpResult {
  status: number;
  body: string;
  ms: number;
}

export interface SignOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Override the computed signature (forgery tests). */
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  options: SignOptions = {},
): Promise<SlackHttpResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? sign(secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  const started = Date.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text, ms: Date.now() - started };
}

export function postEvent(url: string, secret: string, envelope: object, options: SignOptions = {}) {
  return postSigned(url, secret, JSON.stringify(envelope), 'application/json', options);
}

export function postAction(url: string, secret: string, payload: object, options: SignOptions = {}) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(url, secret, body, 'application/x-www-form-urlencoded', options);
}

export function postViewSubmission(url: string, secret: string, payload: object, options: SignOptions = {}) {
  return postAction(url, secret, payload, options);
}

export function postCommand(
  url: string,
  secret: string,
  fields: Record<string, string>,
  options: SignOptions = {},
) {
  return postSigned(
    url,
    secret,
    new URLSearchParams(fields).toString(),
    'application/x-www-form-urlencoded',
    options,
  );
}

// ------------------------------------------------------------------ payload builders

let counter = 0;
const next = () => {
  counter += 1;
  return counter;
};

export function newEventId(): string {
  return `Ev${Date.now().toString(36).toUpperCase()}${next()}`;
}

export function newTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(next()).padStart(6, '0')}`;
}

function envelope(event: Record<string, unknown>, eventId: string) {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: TEAM_ID,
        user_id: 'UBOT00001',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${eventId}`,
  };
}

export interface MessageEventInput {
  user: string;
  channel: string;
  text: string;
  ts?: string;
  threadTs?: string;
  eventId?: string;
}

/** `app_mention` (AppMentionPayload). */
export function mentionEvent(input: MessageEventInput) {
  const ts = input.ts ?? newTs();
  return envelope(
    {
      type: 'app_mention',
      client_msg_id: `msg-${next()}`,
      user: input.user,
      text: input.text,
      ts,
      team: TEAM_ID,
      channel: input.channel,
      event_ts: ts,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    },
    input.eventId ?? newEventId(),
  );
}

/** `message` (MessagePayload): `channel_type` im for DMs, channel/group for channel threads. */
export function messageEvent(
  input: MessageEventInput & { channelType: 'im' | 'channel' | 'group'; botId?: string; subtype?: string },
) {
  const ts = input.ts ?? newTs();
  return envelope(
    {
      client_msg_id: `msg-${next()}`,
      type: 'message',
      team: TEAM_ID,
      channel: input.channel,
      user: input.user,
      text: input.text,
      ts,
      event_ts: ts,
      channel_type: input.channelType,
      ...(input.threadTs ? { thread_ts: input.threadTs, parent_user_id: 'U0SOMEONE' } : {}),
      ...(input.botId ? { bot_id: input.botId } : {}),
      ...(input.subtype ? { subtype: input.subtype } : {}),
    },
    input.eventId ?? newEventId(),
  );
}

/** `app_home_opened` (AppHomeOpenedPayload). */
export function appHomeOpenedEvent(user: string, tab: 'home' | 'messages' = 'home') {
  return envelope(
    { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab, event_ts: newTs() },
    newEventId(),
  );
}

export interface ActionInput {
  user: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  blocks?: unknown[];
  responseUrl: string;
  blockId?: string;
}

/** Who an interaction payload (button, modal) comes from: team, user, app. */
function interactionOrigin(user: string) {
  return {
    team: { id: TEAM_ID, domain: 'flowdesk-test' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: 'legacy-verification-token',
  };
}

/** `block_actions` (BlockActionPayload) for a button on a message. */
export function blockActionPayload(input: ActionInput) {
  return {
    type: 'block_actions',
    ...interactionOrigin(input.user),
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channel,
      is_ephemeral: false,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    },
    trigger_id: `${next()}.${TEAM_ID}.trigger`,
    channel: { id: input.channel, name: 'service-desk' },
    message: {
      type: 'message',
      user: 'UBOT00001',
      bot_id: 'BBOT00001',
      text: 'card',
      ts: input.messageTs,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      blocks: input.blocks ?? [],
    },
    response_url: input.responseUrl,
    state: { values: {} },
    actions: [
      {
        action_id: input.actionId,
        block_id: input.blockId ?? 'card-a',
        text: { type: 'plain_text', text: 'button', emoji: true },
        value: input.value,
        type: 'button',
        action_ts: newTs(),
      },
    ],
    is_enterprise_install: false,
  };
}

/** `/flowdesk …` (SlashCommandPayload) as form fields. */
export function commandFields(input: {
  user: string;
  text: string;
  channel: string;
  responseUrl: string;
  command?: string;
}) {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'flowdesk-test',
    channel_id: input.channel,
    channel_name: 'service-desk',
    user_id: input.user,
    user_name: input.user.toLowerCase(),
    command: input.command ?? '/flowdesk',
    text: input.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: `${next()}.${TEAM_ID}.trigger`,
  };
}

/** `view_submission` (ViewSubmissionPayload). */
export function viewSubmissionPayload(input: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
}) {
  return {
    type: 'view_submission',
    ...interactionOrigin(input.user),
    trigger_id: `${next()}.${TEAM_ID}.trigger`,
    view: {
      id: `V${next()}`,
      team_id: TEAM_ID,
      type: 'modal',
      title: { type: 'plain_text', text: 'Edit parameters', emoji: true },
      private_metadata: input.privateMetadata,
      callback_id: input.callbackId,
      state: { values: input.values },
      hash: `${next()}.hash`,
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: `V${counter}`,
      app_id: APP_ID,
      bot_id: 'BBOT00001',
    },
    is_enterprise_install: false,
    response_urls: [],
  };
}
