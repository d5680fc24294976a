/** Drives a spawned `flowdesk <command>` (e.g. chat): write lines, wait for output, collect the exit. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');
/** The built CLI (override to try another build). */
const CLI = process.env.FLOWDESK_E2E_CLI ?? join(ROOT, 'dist/cli.js');

export class ChatProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  end(): void {
    this.child.stdin.end();
  }

  /** Resolves with the first match of `pattern` in stdout written after `from` (a stdout length). */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = this.stdout.slice(from).match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `timed out waiting for ${pattern}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`,
    );
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  /** Sends a signal (e.g. SIGTERM for a graceful stop) while the process runs. */
  signal(name: NodeJS.Signals): void {
    if (this.child.exitCode === null) this.child.kill(name);
  }
}

/** The environment of a fresh machine plus `extra`: nothing inherited that could change modes. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    OPENAI_API_KEY: '',
    FLOWDESK_PROCESS_MAPS: 'process-maps',
    ...extra,
  };
}
