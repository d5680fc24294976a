/**
 * With SLACK_APP_TOKEN the app uses Socket Mode: it opens a connection with the app-level token
 * (apps.connections.open) instead of listening for HTTP requests, and a refused token fails start().
 */
import { createSlackApp } from '../../../src/adapters/slack/create-slack-app';
import { createMemoryStore } from '../../../src/adapters/store/memory-store';
import { FakeEngine } from '../../fakes/fake-engine';
import { FakeSlackServer } from '../../fakes/fake-slack-server';
import { MemoryLogger } from '../../fakes/silent-logger';

const slack = new FakeSlackServer();

beforeAll(async () => {
  await slack.start();
});

afterAll(async () => {
  await slack.stop();
});

it('connects through apps.connections.open with the app token', async () => {
  slack.failNext('apps.connections.open', 'invalid_auth', 3);
  const store = createMemoryStore();
  const app = createSlackApp({
    config: {
      botToken: slack.token,
      appToken: 'xapp-1-A0TEST-123-abc',
      apiUrl: slack.apiUrl,
      port: 0,
      botId: 'B1',
      botUserId: 'U1',
    },
    engine: new FakeEngine(store),
    store,
    logger: new MemoryLogger(),
    admins: [],
    clientOptions: { retryConfig: { retries: 0 } },
  });
  await expect(app.start()).rejects.toThrow(/invalid_auth/);
  const [open] = slack.callsOf('apps.connections.open');
  expect(open.token).toBe('xapp-1-A0TEST-123-abc');
  expect(slack.callsOf('auth.test')).toHaveLength(0);
  await app.stop();
});
