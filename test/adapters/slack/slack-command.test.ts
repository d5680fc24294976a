/**
 * `/flowdesk` over real HTTP: every sub-command, admin-only ones, and answers through response_url.
 */
import type { ReloadResult } from '../../../src/adapters/slack/slash-command';
import type { RequestRecord } from '../../../src/core/types';
import { FAKE_PROCESS } from '../../fakes/fake-engine';
import { commandFields, newTs, postCommand } from '../../helpers/slack-requests';
import {
  ADMIN,
  CHANNEL,
  OTHER_USER,
  REQUESTER,
  SIGNING_SECRET,
  type SlackTestEnv,
  startSlackTestEnv,
} from './slack-test-env';

let env: SlackTestEnv;
let reloadResult: ReloadResult = { ok: true, problems: [], processes: 3 };
let reloads = 0;
let seeded: RequestRecord;
let waiting: RequestRecord;

beforeAll(async () => {
  env = await startSlackTestEnv({
    file: 'slack-command',
    overrides: {
      catalogReload: async () => {
        reloads += 1;
        return reloadResult;
      },
      catalog: {
        current: () => ({
          processes: [approvalProcess],
          byId: new Map([[approvalProcess.id, approvalProcess]]),
          files: [],
        }),
      },
    },
  });
  const thread = { channel: CHANNEL, threadTs: newTs(), isDm: false };
  seeded = await env.fakeEngine.createRequest(
    { requester: { id: REQUESTER.id, name: 'Ann Example', tz: 'Europe/Paris' }, thread },
    { quarter: 'Q1' },
  );
  waiting = await env.fakeEngine.createRequest(
    { requester: { id: OTHER_USER.id, name: 'Bob', tz: 'UTC' }, thread },
    {},
  );
  await env.store.compareAndSet(
    { ...waiting, processId: approvalProcess.id, status: 'awaiting_approval', version: 1 },
    waiting.version,
  );
});

afterAll(async () => {
  await env.stop();
});

beforeEach(() => {
  env.slack.reset();
  env.fakeEngine.calls.length = 0;
});

const approvalProcess = {
  ...FAKE_PROCESS,
  id: 'restart-payments',
  title: 'Restart payments-api',
  approval: {
    approvers: { users: [REQUESTER.id], usergroups: [] },
    minApprovals: 1,
    selfApproval: false,
    expiresAfterMs: 3_600_000,
  },
};

async function run(text: string, user = REQUESTER.id) {
  const result = await postCommand(
    env.eventsUrl,
    SIGNING_SECRET,
    commandFields({ user, text, channel: CHANNEL, responseUrl: env.slack.responseUrl(`c-${text}`) }),
  );
  expect(result.status).toBe(200);
  return result;
}

async function answer(text: string, user = REQUESTER.id): Promise<string> {
  await run(text, user);
  const [call] = await env.slack.waitForCalls('response_url');
  expect(call.args.response_type).toBe('ephemeral');
  return JSON.stringify(call.args);
}

describe('/flowdesk', () => {
  it('help is answered in the ack itself', async () => {
    const result = await run('help');
    const body = JSON.parse(result.body);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/flowdesk list');
    expect(body.text).not.toContain('reload');
  });

  it('shows admins the admin commands in help', async () => {
    const result = await run('', ADMIN.id);
    expect(JSON.parse(result.body).text).toContain('/flowdesk reload');
  });

  it('answers unknown sub-commands with help', async () => {
    const result = await run('frobnicate now');
    const body = JSON.parse(result.body);
    expect(body.text).toContain("I don't know `frobnicate now`");
    expect(body.text).toContain('/flowdesk runs');
  });

  it('list shows the processes with an example each', async () => {
    const text = await answer('list');
    expect(text).toContain('Refresh sales dashboard');
    expect(text).toContain('refresh the Q3 sales dashboard');
  });

  it('runs shows your requests, then what waits for your approval', async () => {
    const text = await answer('runs');
    expect(text).toContain(seeded.id);
    // REQUESTER approves restart-payments: the other user's request waits for her, in its own section.
    const section = text.indexOf('*Waiting for your approval*');
    expect(section).toBeGreaterThan(text.indexOf(seeded.id));
    expect(text.indexOf(waiting.id)).toBeGreaterThan(section);
  });

  it('runs all is for admins only', async () => {
    expect(await answer('runs all')).toContain('Only admins');
    env.slack.reset();
    const text = await answer('runs all', ADMIN.id);
    expect(text).toContain(seeded.id);
    expect(text).toContain(waiting.id);
  });

  it('status <id> shows the state', async () => {
    const text = await answer(`status ${seeded.id}`);
    expect(text).toContain('Awaiting confirmation');
    expect(text).toContain(seeded.id);
  });

  it('status without an id says how to use it', async () => {
    expect(await answer('status')).toContain('Usage: /flowdesk status');
  });

  it('status of an unknown id gives a clear error', async () => {
    expect(await answer('status nope-123')).toContain('could not find that request');
  });

  it('cancel <id> cancels through the engine', async () => {
    const thread = { channel: CHANNEL, threadTs: newTs(), isDm: false };
    const request = await env.fakeEngine.createRequest(
      { requester: { id: REQUESTER.id, name: 'Ann', tz: 'UTC' }, thread },
      { quarter: 'Q2' },
    );
    expect(await answer(`cancel ${request.id}`)).toContain('Cancelled.');
    expect((await env.store.getRequest(request.id))?.status).toBe('closed');
  });

  it('reload is refused to non-admins', async () => {
    const before = reloads;
    expect(await answer('reload')).toContain('Only admins');
    expect(reloads).toBe(before);
  });

  it('reload reports success to admins', async () => {
    reloadResult = { ok: true, problems: [], processes: 3 };
    expect(await answer('reload', ADMIN.id)).toContain('3 processes loaded');
  });

  it('reload reports problems as file:line: message and keeps the old maps', async () => {
    reloadResult = {
      ok: false,
      problems: [
        { file: 'process-maps/it.yaml', line: 12, message: 'processes[0].id must match ^[a-z]' },
        'process-maps/bad.yaml: does not parse',
      ],
    };
    const text = await answer('reload', ADMIN.id);
    expect(text).toContain('process-maps/it.yaml:12: processes[0].id must match ^[a-z]');
    expect(text).toContain('process-maps/bad.yaml: does not parse');
    expect(text).toContain('previous process maps are still in use');
  });

  it('whoami shows name, e-mail, time zone and admin flag', async () => {
    const text = await answer('whoami');
    expect(text).toContain('Ann Example');
    expect(text).toContain('ann@example.com');
    expect(text).toContain('Europe/Paris');
    expect(text).toContain('*Admin:* no');
  });

  it('approvals lists what waits for you as approver', async () => {
    const text = await answer('approvals');
    expect(text).toContain(waiting.id);
    expect(text).toContain('Restart payments-api');
    env.slack.reset();
    expect(await answer('approvals', OTHER_USER.id)).toContain('nothing');
  });
});
