/**
 * Child-process entry of the bench edge (see edge.ts): started by start-edge.ts with an IPC channel.
 * Protocol: the parent sends `{ type: 'start', options }`, the child answers `{ type: 'ready',
 * slackApiUrl, prefectApiUrl }`; then `{ id, method, args }` calls answered by `{ id, result }` or
 * `{ id, error }`. The child exits when the parent disconnects.
 */
import { createEdge, type Edge, type EdgeOptions } from './edge';

type CallMessage = { id: number; method: keyof Edge; args: unknown[] };
type StartMessage = { type: 'start'; options: EdgeOptions };

const REMOTE_METHODS = new Set<string>([
  'runMentions',
  'postWebhookEvents',
  'collectWebhookUpdates',
  'slackCallCounts',
  'prefectCallCounts',
]);

function reply(message: unknown): void {
  process.send?.(message);
}

async function serve(): Promise<void> {
  let edge: Edge | undefined;
  process.on('message', (message: StartMessage | CallMessage) => {
    if ('type' in message && message.type === 'start') {
      createEdge(message.options).then(
        (created) => {
          edge = created;
          reply({ type: 'ready', slackApiUrl: created.slackApiUrl, prefectApiUrl: created.prefectApiUrl });
        },
        (error: unknown) => reply({ type: 'failed', error: String(error) }),
      );
      return;
    }
    const call = message as CallMessage;
    if (!edge || !REMOTE_METHODS.has(call.method)) {
      reply({ id: call.id, error: `edge: cannot call ${String(call.method)} now` });
      return;
    }
    const method = edge[call.method] as (...args: unknown[]) => Promise<unknown>;
    method.apply(edge, call.args).then(
      (result) => reply({ id: call.id, result }),
      (error: unknown) =>
        reply({ id: call.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => {
    void (edge?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}

if (require.main === module) void serve();
