/**
 * Maps an engine `Reply` to the Slack message that shows it.
 */
import type { Reply } from '../../../core/engine-api';
import { answerBlocks, modelAnswerBlocks } from '../artifacts/answer-blocks';
import { confirmationCard, type SlackMessage } from './confirmation-card';
import { LIMITS, limitBlocks } from './limits';
import {
  deniedMessage,
  errorMessage,
  outOfScopeMessage,
  questionMessage,
  textMessage,
} from './simple-messages';
import { statusCard } from './status-card';

export function replyMessage(reply: Reply, now: Date): SlackMessage {
  switch (reply.kind) {
    case 'text':
      return textMessage(reply.text);
    case 'question':
      return questionMessage(reply.text, reply.requestId);
    case 'confirmation':
      return confirmationCard({
        request: reply.request,
        process: reply.process,
        schema: reply.schema,
        dryRun: reply.dryRun,
      });
    case 'status':
      return statusCard(reply.request, reply.process, now);
    case 'out_of_scope':
      return outOfScopeMessage(reply.text, reply.suggestions);
    case 'denied':
      return deniedMessage(reply.text);
    case 'error':
      return errorMessage(reply.text);
    case 'result_answer': {
      const options = reply.runUrl ? { runUrl: reply.runUrl } : {};
      return reply.answer.via === 'model'
        ? modelAnswerBlocks(reply.answer.markdown, options)
        : answerBlocks(reply.answer.result, options);
    }
  }
}

/** Several replies in one message (slash-command responses, ephemeral notes). */
export function combineMessages(messages: SlackMessage[]): SlackMessage {
  return {
    text: messages
      .map((m) => m.text)
      .join('\n')
      .slice(0, LIMITS.messageText),
    blocks: limitBlocks(
      messages.flatMap((m) => m.blocks),
      LIMITS.messageBlocks,
    ),
  };
}

/** Several engine replies shown as one message. */
export function repliesMessage(replies: Reply[], now: Date): SlackMessage {
  return combineMessages(replies.map((reply) => replyMessage(reply, now)));
}

/** Replies that refuse the actor (shown only to them) rather than move the request on. */
export function isRefusal(reply: Reply): boolean {
  return reply.kind === 'denied' || reply.kind === 'error';
}
