/**
 * Outbound delivery for asynchronous updates (status cards, results, approval cards).
 *
 * It owns a WebClient of its own that rejects rate-limited calls instead of pausing (Bolt's
 * client pauses its whole queue on a 429, which would hold back replies to users). Retries are
 * ours: Retry-After is honoured, network errors back off, permanent errors are logged and dropped.
 * Updates are coalesced per key: at most one `chat.update` per message per `minIntervalMs`, and
 * only the latest rendering is sent.
 */
import type { Logger } from '../../core/ports';
import type { MessageRef } from '../../core/types';
import type { SlackMessage } from './blocks/confirmation-card';
import type { SlackChatApi } from './slack-chat-api';
import { describeSlackError, isPermanentSlackError, retryWaitMs, type SlackErrorInfo } from './slack-errors';

export interface SlackDeliveryOptions {
  /** Calls Slack once per call: no queue, no retries of its own (createSlackChatApi). */
  client: SlackChatApi;
  logger: Logger;
  minIntervalMs?: number;
  maxAttempts?: number;
  /** Back-off for network errors: base × 2^attempt, capped. */
  backoffBaseMs?: number;
  onApiError?: (method: string, info: SlackErrorInfo) => void;
}

export interface PostArgs extends SlackMessage {
  channel: string;
  thread_ts?: string;
  /** Post into a thread and also show it in the channel. */
  reply_broadcast?: boolean;
}

/** Produces the message to send at send time, so the latest state wins. */
export type UpdateRender = () => Promise<(SlackMessage & { ref: MessageRef }) | undefined>;

interface UpdateSlot {
  render?: UpdateRender;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  lastSentAt: number;
  failures: number;
}

export interface SlackDelivery {
  post(args: PostArgs): Promise<MessageRef | undefined>;
  postEphemeral(args: SlackMessage & { channel: string; user: string; thread_ts?: string }): Promise<boolean>;
  /** Coalesced chat.update: the render runs when the update is sent. */
  scheduleUpdate(key: string, render: UpdateRender): void;
  /** Resolves when no update is pending or running. */
  idle(): Promise<void>;
  /** Sends what is pending now (ignoring the interval) and stops timers. */
  close(): Promise<void>;
}

export function createSlackDelivery(options: SlackDeliveryOptions): SlackDelivery {
  const { client, logger } = options;
  const minInterval = options.minIntervalMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 5;
  const slots = new Map<string, UpdateSlot>();
  let closed = false;

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());
  const backoff = { baseMs: options.backoffBaseMs ?? 1000, maxMs: 30_000 };

  function reportError(method: string, error: unknown, extra: Record<string, unknown>): SlackErrorInfo {
    const info = describeSlackError(error);
    options.onApiError?.(method, info);
    const level = isPermanentSlackError(info) ? 'error' : 'warn';
    logger[level]({ method, slackError: info, ...extra }, `Slack ${method} failed`);
    return info;
  }

  async function withRetry<T>(
    method: string,
    extra: Record<string, unknown>,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const info = reportError(method, error, { ...extra, attempt });
        if (isPermanentSlackError(info) || closed) return undefined;
        await sleep(retryWaitMs(info, attempt, backoff));
      }
    }
    logger.error({ method, ...extra }, `Slack ${method}: giving up after ${maxAttempts} attempts`);
    return undefined;
  }

  async function post(args: PostArgs): Promise<MessageRef | undefined> {
    const result = await withRetry('chat.postMessage', { channel: args.channel }, () =>
      client.chat.postMessage(
        args.thread_ts
          ? {
              channel: args.channel,
              text: args.text,
              blocks: args.blocks,
              thread_ts: args.thread_ts,
              reply_broadcast: args.reply_broadcast === true,
              unfurl_links: false,
              unfurl_media: false,
            }
          : {
              channel: args.channel,
              text: args.text,
              blocks: args.blocks,
              unfurl_links: false,
              unfurl_media: false,
            },
      ),
    );
    if (!result || typeof result.ts !== 'string' || typeof result.channel !== 'string') return undefined;
    return { channel: result.channel, ts: result.ts };
  }

  async function postEphemeral(args: SlackMessage & { channel: string; user: string; thread_ts?: string }) {
    const result = await withRetry('chat.postEphemeral', { channel: args.channel }, () =>
      client.chat.postEphemeral({
        channel: args.channel,
        user: args.user,
        text: args.text,
        blocks: args.blocks,
        ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
      }),
    );
    return result !== undefined;
  }

  function slotFor(key: string): UpdateSlot {
    let slot = slots.get(key);
    if (!slot) {
      slot = { lastSentAt: 0, failures: 0 };
      slots.set(key, slot);
    }
    return slot;
  }

  function arm(key: string, slot: UpdateSlot, delayMs: number): void {
    if (slot.timer || slot.running || closed) return;
    slot.timer = setTimeout(() => fire(key, slot), Math.max(0, delayMs));
  }

  function fire(key: string, slot: UpdateSlot): void {
    slot.timer = undefined;
    const render = slot.render;
    slot.render = undefined;
    if (!render) {
      cleanup(key, slot);
      return;
    }
    slot.running = send(key, slot, render).finally(() => {
      slot.running = undefined;
      if (slot.render && !closed) arm(key, slot, slot.lastSentAt + minInterval - Date.now());
      else cleanup(key, slot);
    });
  }

  async function send(key: string, slot: UpdateSlot, render: UpdateRender): Promise<void> {
    let message: Awaited<ReturnType<UpdateRender>>;
    try {
      message = await render();
    } catch (error) {
      logger.error({ key, err: error }, 'Could not render a Slack update');
      return;
    }
    if (!message) return;
    try {
      await client.chat.update({
        channel: message.ref.channel,
        ts: message.ref.ts,
        text: message.text,
        blocks: message.blocks,
      });
      slot.lastSentAt = Date.now();
      slot.failures = 0;
    } catch (error) {
      const info = reportError('chat.update', error, { key, channel: message.ref.channel });
      slot.lastSentAt = Date.now();
      if (isPermanentSlackError(info) || closed) return;
      slot.failures += 1;
      if (slot.failures >= maxAttempts) {
        logger.error({ key }, `Slack chat.update: giving up after ${maxAttempts} attempts`);
        slot.failures = 0;
        return;
      }
      // Re-queue unless a newer rendering already replaced it; wait what Slack asked for.
      if (!slot.render) slot.render = render;
      const wait = retryWaitMs(info, slot.failures - 1, backoff);
      slot.lastSentAt = Date.now() + wait - minInterval;
    }
  }

  function cleanup(key: string, slot: UpdateSlot): void {
    if (slot.render || slot.timer || slot.running) return;
    // Keep the slot until its interval has passed so a burst right after a send still waits.
    const remaining = slot.lastSentAt + minInterval - Date.now();
    if (remaining <= 0) {
      if (slots.get(key) === slot) slots.delete(key);
      return;
    }
    setTimeout(() => cleanup(key, slot), remaining).unref?.();
  }

  return {
    post,
    postEphemeral,
    scheduleUpdate(key, render) {
      if (closed) return;
      const slot = slotFor(key);
      slot.render = render;
      arm(key, slot, slot.lastSentAt + minInterval - Date.now());
    },
    async idle() {
      for (;;) {
        const busy = [...slots.values()].filter((s) => s.timer || s.running || s.render);
        if (busy.length === 0) return;
        await Promise.all(busy.map((s) => s.running ?? sleep(25)));
      }
    },
    async close() {
      for (const [key, slot] of slots) {
        if (slot.timer) {
          clearTimeout(slot.timer);
          fire(key, slot);
        }
      }
      closed = true;
      await Promise.all([...slots.values()].map((s) => s.running).filter(Boolean));
      slots.clear();
    },
  };
}
