/**
 * Starts the bench edge (fakes + load generators, see edge.ts) in a child process, or in-process
 * when asked (the jest smoke test, which runs TypeScript sources a child could not load).
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { createEdge, type Edge, type EdgeOptions } from './edge';

export interface StartEdgeOptions extends EdgeOptions {
  /** Default: a child process when running compiled JavaScript, in-process otherwise. */
  isolated?: boolean;
}

const START_TIMEOUT_MS = 20_000;

export function canIsolate(): boolean {
  return __filename.endsWith('.js');
}

export async function startEdge(options: StartEdgeOptions): Promise<Edge> {
  const { isolated = canIsolate(), ...edgeOptions } = options;
  return isolated ? startChildEdge(edgeOptions) : createEdge(edgeOptions);
}

async function startChildEdge(options: EdgeOptions): Promise<Edge> {
  // stdout is the bench's JSON document: the child writes nothing there.
  const child = fork(path.join(__dirname, 'edge-process.js'), [], { stdio: ['ignore', 2, 2, 'ipc'] });
  const urls = await waitReady(child, options);
  const calls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
    if (message.id === undefined) return;
    const call = calls.get(message.id);
    calls.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const call of calls.values()) call.reject(new Error(`bench edge exited (${code})`));
    calls.clear();
  });
  const remote =
    <T>(method: keyof Edge) =>
    (...args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        nextId += 1;
        calls.set(nextId, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id: nextId, method, args });
      });
  return {
    ...urls,
    isolation: 'child process',
    runMentions: remote('runMentions'),
    postWebhookEvents: remote('postWebhookEvents'),
    collectWebhookUpdates: remote('collectWebhookUpdates'),
    slackCallCounts: remote('slackCallCounts'),
    prefectCallCounts: remote('prefectCallCounts'),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

function waitReady(
  child: ChildProcess,
  options: EdgeOptions,
): Promise<{ slackApiUrl: string; prefectApiUrl: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('bench edge did not start in time'));
    }, START_TIMEOUT_MS);
    child.once('error', reject);
    child.on(
      'message',
      function onReady(message: {
        type?: string;
        error?: string;
        slackApiUrl?: string;
        prefectApiUrl?: string;
      }) {
        if (message.type !== 'ready' && message.type !== 'failed') return;
        clearTimeout(timer);
        child.off('message', onReady);
        if (message.type === 'failed') reject(new Error(`bench edge failed to start: ${message.error}`));
        else
          resolve({ slackApiUrl: String(message.slackApiUrl), prefectApiUrl: String(message.prefectApiUrl) });
      },
    );
    child.send({ type: 'start', options });
  });
}
