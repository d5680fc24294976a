/**
 * The Directory over users.info / usergroups.users.list, against the fake Web API: mapping,
 * caching (~10 minutes), fallback on failure, group members.
 */
import { webApi } from '@slack/bolt';
import { createSlackDirectory } from '../../../src/adapters/slack/slack-directory';
import { FakeSlackServer } from '../../fakes/fake-slack-server';
import { MemoryLogger } from '../../fakes/silent-logger';

let slack: FakeSlackServer;
let client: webApi.WebClient;
let nowMs = 0;

beforeAll(async () => {
  slack = new FakeSlackServer();
  await slack.start();
  slack.addUser({
    id: 'U0ANN0001',
    name: 'ann',
    real_name: 'Ann Example',
    email: 'ann@example.com',
    tz: 'Europe/Paris',
  });
  slack.addUser({ id: 'U0NOMAIL1', name: 'nomail', tz: '' });
  slack.setUsergroup('S0LEADS01', ['U0ANN0001', 'U0LEAD0002']);
  client = new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await slack.stop();
});

beforeEach(() => {
  slack.reset();
  nowMs = 1_000_000;
});

function directory(logger = new MemoryLogger()) {
  return createSlackDirectory({ client, logger, now: () => nowMs });
}

describe('lookupUser', () => {
  it('maps users.info to name, e-mail and time zone', async () => {
    expect(await directory().lookupUser('U0ANN0001')).toEqual({
      id: 'U0ANN0001',
      name: 'Ann Example',
      email: 'ann@example.com',
      tz: 'Europe/Paris',
    });
    expect(await directory().lookupUser('U0NOMAIL1')).toEqual({ id: 'U0NOMAIL1', name: 'nomail', tz: 'UTC' });
  });

  it('asks Slack once per user for about ten minutes', async () => {
    const dir = directory();
    await Promise.all([dir.lookupUser('U0ANN0001'), dir.lookupUser('U0ANN0001')]);
    await dir.lookupUser('U0ANN0001');
    nowMs += 9 * 60_000;
    await dir.lookupUser('U0ANN0001');
    expect(slack.callsOf('users.info')).toHaveLength(1);
    nowMs += 2 * 60_000;
    await dir.lookupUser('U0ANN0001');
    expect(slack.callsOf('users.info')).toHaveLength(2);
  });

  it('falls back to the id and UTC when Slack fails, logs it, and retries later', async () => {
    const logger = new MemoryLogger();
    const dir = directory(logger);
    slack.failNext('users.info', { status: 500 });
    expect(await dir.lookupUser('U0ANN0001')).toEqual({ id: 'U0ANN0001', name: 'U0ANN0001', tz: 'UTC' });
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    await dir.lookupUser('U0ANN0001');
    expect(slack.callsOf('users.info')).toHaveLength(1);
    nowMs += 31_000;
    expect((await dir.lookupUser('U0ANN0001')).name).toBe('Ann Example');
  });
});

describe('usergroupMembers', () => {
  it('lists members and caches them briefly', async () => {
    const dir = directory();
    expect(await dir.usergroupMembers('S0LEADS01')).toEqual(['U0ANN0001', 'U0LEAD0002']);
    await dir.usergroupMembers('S0LEADS01');
    expect(slack.callsOf('usergroups.users.list')).toHaveLength(1);
    nowMs += 61_000;
    await dir.usergroupMembers('S0LEADS01');
    expect(slack.callsOf('usergroups.users.list')).toHaveLength(2);
  });

  it('treats an unknown or failing group as empty (fail closed)', async () => {
    expect(await directory().usergroupMembers('S0NOPE')).toEqual([]);
  });
});
