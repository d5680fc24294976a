/** The `flowdesk` command line: usage, exit codes and configuration errors (built dist/cli.js). */
import { ChatProcess, cleanEnv } from './chat-process';

async function run(args: string[], env: Record<string, string> = {}) {
  const cli = new ChatProcess(args, cleanEnv(env));
  cli.end();
  const code = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

describe('flowdesk CLI', () => {
  it('prints usage for help', async () => {
    const { code, stdout } = await run(['help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: flowdesk <command> [options]');
    expect(stdout).toContain('--process-maps PATH');
  });

  it('exits 1 naming the variable when the configuration is invalid', async () => {
    const { code, stderr } = await run(['chat'], { REDIS_URL: 'localhost:6379' });
    expect(code).toBe(1);
    expect(stderr).toContain('REDIS_URL must start with redis:// or rediss://');
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    const unknownOption = await run(['chat', '--colour']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain('--colour');
  });

  it('start without Slack credentials says what to set', async () => {
    const { code, stdout } = await run(['start']);
    expect(code).toBe(1);
    expect(stdout).toContain('SLACK_BOT_TOKEN');
  });

  it('refuses to chat with broken process maps and prints the problems; --process-maps wins', async () => {
    const { code, stderr } = await run(['chat', '--process-maps', 'test/e2e/no-such-maps'], {
      FLOWDESK_PROCESS_MAPS: 'process-maps',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('test/e2e/no-such-maps');
  });
});
