/**
 * Confirmation cards over HTTP, as a person meets them: say something to the bot (signed event),
 * wait for the card it posts in the thread, click its buttons (signed block actions).
 */
import { ACTION } from '../../src/adapters/slack/action-ids';
import { FAKE_BOT, type FakeSlackServer, type RecordedCall } from '../fakes/fake-slack-server';
import {
  blockActionPayload,
  mentionEvent,
  messageEvent,
  newTs,
  postAction,
  postEvent,
} from './slack-requests';

/** A running bot: its Slack events URL, signing secret, and the fake Web API it talks to. */
export interface CardTarget {
  slack: FakeSlackServer;
  eventsUrl: string;
  secret: string;
}

export interface Card {
  requestId: string;
  channel: string;
  threadTs: string;
  /** The chat.postMessage that posted the card. */
  call: RecordedCall;
  /** How long flowdesk took to answer Slack's HTTP request (the 3-second ack). */
  ackMs?: number;
}

/** The `value` of the button `actionId` in a recorded message's blocks (the request id on cards). */
export function buttonValue(call: RecordedCall, actionId: string): string | undefined {
  for (const block of (call.args.blocks ?? []) as Array<{
    elements?: Array<{ action_id?: string; value?: string }>;
  }>) {
    const found = block.elements?.find((e) => e.action_id === actionId);
    if (found) return found.value;
  }
  return undefined;
}

/** Mentions the bot in `channel` (or DMs it) and waits for the card (Run button) in that thread. */
export async function askForCard(
  target: CardTarget,
  text: string,
  options: { user: string; channel: string; dm?: boolean },
): Promise<Card> {
  const { user } = options;
  const ts = newTs();
  const channel = options.dm ? `D${user.slice(1)}` : options.channel;
  const event = options.dm
    ? messageEvent({ user, channel, channelType: 'im', text, ts })
    : mentionEvent({ user, channel, text: `<@${FAKE_BOT.userId}> ${text}`, ts });
  const response = await postEvent(target.eventsUrl, target.secret, event);
  expect(response.status).toBe(200);
  const [call] = await target.slack.waitForCalls(
    'chat.postMessage',
    1,
    (c) => c.args.thread_ts === ts && buttonValue(c, ACTION.run) !== undefined,
  );
  return {
    requestId: buttonValue(call, ACTION.run) as string,
    channel,
    threadTs: ts,
    call,
    ackMs: response.ms,
  };
}

/** A signed click on the card's button `actionId` by `user`. */
export function clickCard(target: CardTarget, card: Card, user: string, actionId: string) {
  return postAction(
    target.eventsUrl,
    target.secret,
    blockActionPayload({
      user,
      actionId,
      value: card.requestId,
      channel: card.channel,
      messageTs: String(card.call.response.ts),
      threadTs: card.threadTs,
      blocks: card.call.args.blocks as unknown[],
      responseUrl: target.slack.responseUrl('card'),
    }),
  );
}
