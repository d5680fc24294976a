/**
 * Shows the engine's replies in a request's thread, in order. Confirmation cards are remembered
 * on the request (so expiry or cancellation can settle them later); status replies go through the
 * status messages (one per request, edited in place). Uses Bolt's client: these are answers to a
 * person who is waiting, so Slack's own retry and Retry-After handling apply.
 */
import type { Reply } from '../../core/engine-api';
import type { Logger } from '../../core/ports';
import type { MessageRef } from '../../core/types';
import type { SlackMessage } from './blocks/confirmation-card';
import { replyMessage } from './blocks/reply-message';
import { type MessageRefs, REF } from './message-refs';
import type { SlackChatApi } from './slack-chat-api';
import { type SlackErrorInfo, slackCallFailed } from './slack-errors';
import type { StatusMessages } from './status-messages';

export interface ThreadTarget {
  channel: string;
  threadTs: string;
}

export interface PostRepliesOptions {
  /** Replace the request's existing confirmation card instead of posting a new one (Edit modal). */
  updateCardInPlace?: boolean;
}

export interface ReplyPoster {
  post(thread: ThreadTarget, replies: Reply[], options?: PostRepliesOptions): Promise<void>;
  ephemeral(
    target: { channel: string; user: string; threadTs?: string },
    message: SlackMessage,
  ): Promise<void>;
  update(ref: MessageRef, message: SlackMessage): Promise<void>;
}

export interface ReplyPosterOptions {
  /** Retries what may pass (createRetryingChatApi): a person is waiting for these. */
  client: SlackChatApi;
  refs: MessageRefs;
  status: StatusMessages;
  logger: Logger;
  now: () => Date;
  onApiError?: (method: string, info: SlackErrorInfo) => void;
}

export function createReplyPoster(options: ReplyPosterOptions): ReplyPoster {
  const { client, refs, logger } = options;

  const failed = (method: string, error: unknown, extra: Record<string, unknown>) =>
    slackCallFailed(options, method, error, extra);

  async function postMessage(thread: ThreadTarget, message: SlackMessage): Promise<MessageRef | undefined> {
    try {
      const result = await client.chat.postMessage({
        channel: thread.channel,
        thread_ts: thread.threadTs,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return typeof result.ts === 'string'
        ? { channel: result.channel ?? thread.channel, ts: result.ts }
        : undefined;
    } catch (error) {
      failed('chat.postMessage', error, { channel: thread.channel });
      return undefined;
    }
  }

  async function update(ref: MessageRef, message: SlackMessage): Promise<void> {
    try {
      await client.chat.update({
        channel: ref.channel,
        ts: ref.ts,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      failed('chat.update', error, { channel: ref.channel });
    }
  }

  async function postOne(thread: ThreadTarget, reply: Reply, opts: PostRepliesOptions): Promise<void> {
    if (reply.kind === 'status') {
      await options.status.show(reply.request, reply.process);
      return;
    }
    const message = replyMessage(reply, options.now());
    if (reply.kind !== 'confirmation') {
      await postMessage(thread, message);
      return;
    }
    const existing = opts.updateCardInPlace ? await refs.get(reply.request.id, REF.card) : undefined;
    if (existing) {
      await update(existing, message);
      return;
    }
    const ref = await postMessage(thread, message);
    if (ref) await refs.save(reply.request.id, REF.card, ref);
  }

  return {
    async post(thread, replies, opts = {}) {
      for (const reply of replies) {
        try {
          await postOne(thread, reply, opts);
        } catch (error) {
          logger.error({ err: error, reply: reply.kind }, 'Could not show a reply in Slack');
        }
      }
    },
    async ephemeral(target, message) {
      try {
        await client.chat.postEphemeral({
          channel: target.channel,
          user: target.user,
          text: message.text,
          blocks: message.blocks,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        });
      } catch (error) {
        failed('chat.postEphemeral', error, { channel: target.channel });
      }
    },
    update,
  };
}
