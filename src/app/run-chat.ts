/**
 * `flowdesk chat`: builds the runtime in chat mode (probing Prefect and Redis), attaches the
 * terminal notifier, polls runs, and runs the terminal session until end of input.
 */
import { userInfo } from 'node:os';
import { formatBanner } from '../adapters/terminal/banner';
import { createPrinter } from '../adapters/terminal/render-reply';
import { createTerminalNotifier } from '../adapters/terminal/terminal-notifier';
import { runTerminalSession } from '../adapters/terminal/terminal-session';
import type { Config } from '../config';
import type { Logger, Store } from '../core/ports';
import type { Requester } from '../core/types';
import { buildRuntime } from './build-runtime';
import type { RouterMode } from './choose-router';
import { startRunPoller } from './run-poller';
import { systemClock } from './system-clock';

export interface ChatOptions {
  processMapsPath: string;
  user?: string;
  email?: string;
  /** Pretend to write from this Slack channel id (access lists by channel); default: a DM. */
  channel?: string;
  dryRun: boolean;
  router?: RouterMode;
  /** How long to wait at the end for started runs to finish. */
  waitMs: number;
  pollIntervalMs?: number;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

export async function runChat(config: Config, options: ChatOptions, logger: Logger): Promise<number> {
  const runtime = await buildRuntime(config, {
    mode: 'chat',
    processMapsPath: options.processMapsPath,
    dryRun: options.dryRun,
    ...(options.router ? { router: options.router } : {}),
    logger,
  });
  const print = createPrinter(options.output);
  const requester = chatRequester(options);
  const thread = {
    channel: options.channel ?? 'terminal',
    threadTs: `chat-${Date.now().toString(36)}`,
    isDm: !options.channel,
  };
  runtime.setNotifier(createTerminalNotifier({ print, clock: systemClock, threadTs: thread.threadTs }));
  const poller = startRunPoller({
    follower: runtime.follower,
    intervalMs: options.pollIntervalMs ?? 1000,
    logger,
    onTick: () => Promise.all([runtime.engine.expireDue(), runtime.progress?.tick()]),
  });
  try {
    await runTerminalSession({
      engine: runtime.engine,
      input: options.input,
      output: options.output,
      print,
      requester,
      thread,
      admins: config.FLOWDESK_ADMINS,
      banner: formatBanner({
        requester,
        ...runtime.modes,
        processes: runtime.catalog.current().processes.length,
        mapsPath: options.processMapsPath,
      }),
      interactive: options.input.isTTY === true,
      ...(runtime.prefect ? { runInput: runtime.runInput } : {}),
      settle: async (requestIds) => {
        await waitForRuns(runtime.store, requestIds, options.waitMs);
        await poller.stop(); // lets the last update (e.g. ✅ Completed) print before we end
      },
    });
  } finally {
    await poller.stop();
    await runtime.close();
  }
  return 0;
}

function chatRequester(options: ChatOptions): Requester {
  const name = options.user?.trim() || safeUserName();
  return {
    id: name,
    name,
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    ...(options.email ? { email: options.email } : {}),
  };
}

function safeUserName(): string {
  try {
    return userInfo().username || 'me';
  } catch {
    return 'me';
  }
}

/** Resolves when none of the requests still has a running flow run, or after `timeoutMs`. */
async function waitForRuns(store: Store, requestIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const requests = await Promise.all(requestIds.map((id) => store.getRequest(id)));
    if (
      requests.every(
        (request) => !request || (request.status !== 'submitted' && request.status !== 'submitting'),
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
