/**
 * Shows that the bot is working while the engine decides (a model call can take seconds):
 * an :eyes: reaction on the user's message, or the thread status line of Slack's agent surfaces.
 * Failures here are cosmetic: logged at debug and otherwise ignored.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports';
import { describeSlackError } from './slack-errors';

export type WorkingIndicatorMode = 'reaction' | 'assistant_status' | 'none';

export interface WorkingTarget {
  channel: string;
  /** The user's message (reaction target). */
  ts: string;
  threadTs: string;
}

export const WORKING_REACTION = 'eyes';

export interface WorkingIndicatorOptions {
  /**
   * Show the indicator only when the work is still running after this long (default 0: at once).
   * A decision that is ready sooner is answered without two Slack calls and a flickering reaction.
   */
  delayMs?: number;
}

export async function withWorkingIndicator<T>(
  mode: WorkingIndicatorMode,
  client: webApi.WebClient,
  logger: Logger,
  target: WorkingTarget,
  work: () => Promise<T>,
  options: WorkingIndicatorOptions = {},
): Promise<T> {
  if (mode === 'none') return work();
  const quiet = (method: string) => (error: unknown) =>
    logger.debug({ method, slackError: describeSlackError(error) }, 'working indicator call failed');
  const setStatus = (status: string) =>
    client.assistant.threads
      .setStatus({ channel_id: target.channel, thread_ts: target.threadTs, status })
      .catch(quiet('assistant.threads.setStatus'));
  // Not awaited before the work: a slow Slack must not delay the decision.
  let shown: Promise<unknown> | undefined;
  const show = () => {
    shown =
      mode === 'reaction'
        ? client.reactions
            .add({ channel: target.channel, timestamp: target.ts, name: WORKING_REACTION })
            .catch(quiet('reactions.add'))
        : setStatus('is working on it…');
  };
  const delayMs = options.delayMs ?? 0;
  const timer = delayMs > 0 ? setTimeout(show, delayMs) : undefined;
  if (!timer) show();
  try {
    return await work();
  } finally {
    clearTimeout(timer);
    if (shown) {
      await shown;
      if (mode === 'reaction') {
        await client.reactions
          .remove({ channel: target.channel, timestamp: target.ts, name: WORKING_REACTION })
          .catch(quiet('reactions.remove'));
      } else {
        await setStatus('');
      }
    }
  }
}
