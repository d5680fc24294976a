/**
 * `/flowdesk <sub-command>`. Help is answered in the ack itself; everything else is acked at
 * once and answered privately through the command's response_url when the engine is done.
 */
import type { App } from '@slack/bolt';
import { helpMessage } from '../blocks/help-text';
import { errorMessage } from '../blocks/simple-messages';
import { slackCallFailed } from '../slack-errors';
import { executeSlashCommand, parseSlashCommand } from '../slash-command';
import type { ListenerDeps } from './listener-deps';

export function registerCommand(app: App, deps: ListenerDeps): void {
  app.command(deps.slashCommand, async ({ ack, command, respond, client }) => {
    const parsed = parseSlashCommand(command.text ?? '');
    const isAdmin = deps.isAdmin(command.user_id);
    if (parsed.kind === 'help' || parsed.kind === 'unknown') {
      const help = helpMessage(
        command.command,
        isAdmin,
        parsed.kind === 'unknown' ? parsed.input : undefined,
      );
      await ack({ response_type: 'ephemeral', text: help.text, blocks: help.blocks });
      return;
    }
    await ack();
    let message: ReturnType<typeof errorMessage>;
    try {
      const actor = await deps.directory.lookupUser(command.user_id);
      message = await executeSlashCommand(parsed, {
        command: command.command,
        engine: deps.engine,
        actor,
        isAdmin,
        channel: command.channel_id,
        now: deps.now(),
        ...(deps.catalogReload ? { catalogReload: deps.catalogReload } : {}),
        ...(deps.pendingApprovals ? { pendingApprovals: deps.pendingApprovals } : {}),
      });
    } catch (error) {
      deps.logger.error({ err: error, sub: parsed.kind }, 'slash command failed');
      message = errorMessage('Something went wrong on our side. The details are in the logs.');
    }
    try {
      await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
    } catch (error) {
      // response_url failed (expired, network): fall back to an ephemeral message via the API.
      deps.logger.warn({ err: error }, 'respond() failed; trying chat.postEphemeral');
      await client.chat
        .postEphemeral({
          channel: command.channel_id,
          user: command.user_id,
          text: message.text,
          blocks: message.blocks,
        })
        .catch((e: unknown) => slackCallFailed(deps, 'chat.postEphemeral', e));
    }
  });
}
