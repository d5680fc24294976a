/**
 * Everything that writes to Slack outside a listener's own answer: the notifier's clients (its own,
 * so a 429 on status edits never stalls replies: a light JSON client for chat.* calls, a WebClient
 * for permalinks and file uploads), the coalescing delivery, message refs on requests, status
 * messages, the notifier itself, and the reply poster the listeners use (same light client, with
 * retries, on a connection of its own).
 */
import type { Logger as BoltLogger, webApi } from '@slack/bolt';
import { webApi as slackWebApi } from '@slack/bolt';
import type { Directory, Logger, Notifier, Store } from '../../core/ports';
import { type UploadResultFilesOptions, uploadResultFiles } from './artifacts/file-upload';
import { context } from './blocks/limits';
import { createMessageRefs, type MessageRefs } from './message-refs';
import { createReplyPoster, type ReplyPoster } from './reply-poster';
import { type ChatRetryPolicy, createRetryingChatApi, REPLY_RETRY } from './retrying-chat-api';
import { createSlackChatApi } from './slack-chat-api';
import { createSlackDelivery, type SlackDelivery } from './slack-delivery';
import type { SlackErrorInfo } from './slack-errors';
import { createSlackNotifier } from './slack-notifier';
import { createStatusMessages } from './status-messages';

export interface OutboundOptions {
  botToken: string;
  apiUrl?: string;
  /** Retries of replies to the person who is waiting (tests turn them off). */
  replyRetry?: Partial<ChatRetryPolicy>;
  store: Store;
  directory: Directory;
  logger: Logger;
  boltLogger: BoltLogger;
  now: () => Date;
  instanceId: string;
  notifierClientOptions?: webApi.WebClientOptions;
  notifierMinIntervalMs?: number;
  onApiError?: (method: string, info: SlackErrorInfo) => void;
  /** Result file uploads (`results.upload: true`); tests allow plain-http localhost files. */
  fileUploads?: FileUploadSettings;
}

export type FileUploadSettings = Pick<
  UploadResultFilesOptions,
  'allowHttpLocalhost' | 'maxBytes' | 'maxFiles'
>;

export interface Outbound {
  notifier: Notifier;
  replies: ReplyPoster;
  refs: MessageRefs;
  delivery: SlackDelivery;
  /** Sends what is pending, then closes the notifier's connections. */
  close(): Promise<void>;
}

export function createOutbound(options: OutboundOptions): Outbound {
  const { logger, now } = options;
  const client = new slackWebApi.WebClient(options.botToken, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    logger: options.boltLogger,
    timeout: 15_000,
    ...options.notifierClientOptions,
    // A 429 must reach our own scheduler instead of pausing a queue.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const onApiError = options.onApiError ? { onApiError: options.onApiError } : {};
  const apiUrl = options.apiUrl ? { apiUrl: options.apiUrl } : {};
  const chat = createSlackChatApi({
    token: options.botToken,
    ...apiUrl,
    timeoutMs: options.notifierClientOptions?.timeout ?? 15_000,
  });
  const delivery = createSlackDelivery({
    client: chat,
    logger,
    ...(options.notifierMinIntervalMs === undefined ? {} : { minIntervalMs: options.notifierMinIntervalMs }),
    ...onApiError,
  });
  const refs = createMessageRefs(options.store, logger);
  const status = createStatusMessages({
    delivery,
    refs,
    store: options.store,
    logger,
    now,
    instanceId: options.instanceId,
  });
  const notifier = createSlackNotifier({
    delivery,
    refs,
    status,
    directory: options.directory,
    store: options.store,
    logger,
    now,
    permalink: async (channel, ts) => {
      const result = await client.chat.getPermalink({ channel, message_ts: ts });
      return typeof result.permalink === 'string' ? result.permalink : undefined;
    },
    uploadFiles: async (request, artifacts) => {
      const thread = { channel: request.thread.channel, thread_ts: request.thread.threadTs };
      const outcome = await uploadResultFiles({
        client,
        channel: thread.channel,
        threadTs: thread.thread_ts,
        artifacts,
        logger,
        ...options.fileUploads,
      });
      if (outcome.notes.length > 0) {
        await delivery.post({ ...thread, text: outcome.notes.join(' '), blocks: [context(outcome.notes)] });
      }
    },
  });
  // Replies get a connection of their own: a status edit waiting on Slack never holds them up.
  const replyChat = createSlackChatApi({ token: options.botToken, ...apiUrl });
  const replies = createReplyPoster({
    client: createRetryingChatApi(replyChat, { ...REPLY_RETRY, ...options.replyRetry }),
    refs,
    status,
    logger,
    now,
    ...onApiError,
  });
  const close = async () => {
    await delivery.close();
    chat.close();
    replyChat.close();
  };
  return { notifier, replies, refs, delivery, close };
}
