/**
 * `flowdesk chat` end to end: the built CLI (dist/cli.js, built by `npm test` before jest) talking
 * to a fake Prefect over HTTP and a real Redis, driven through stdin like a person would.
 */
import Redis from 'ioredis';
import { FakePrefectServer } from '../fakes/fake-prefect-server';
import { freePort } from '../helpers/free-port';
import { ChatProcess, cleanEnv } from './chat-process';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const VPN_SCHEMA = {
  title: 'Parameters',
  type: 'object',
  properties: {
    user_email: {
      title: 'user_email',
      description: 'Whose VPN profile to reset.',
      position: 0,
      type: 'string',
      format: 'email',
    },
    notify: {
      title: 'notify',
      description: 'E-mail the new profile link.',
      position: 1,
      type: 'boolean',
      default: true,
    },
  },
  required: ['user_email'],
  definitions: {},
};

/** Types the request, answers the e-mail question when asked, returns the request id on the card. */
async function requestVpnReset(chat: ChatProcess): Promise<string> {
  chat.send('my vpn keeps disconnecting');
  const first = await chat.waitFor(/(What user_email should I use|\[1\] Run)/);
  if (first[1].startsWith('What')) {
    const from = chat.stdout.length;
    chat.send('ann@example.com');
    await chat.waitFor(/\[1\] Run/, from);
  }
  const [, requestId] = await chat.waitFor(/Request (\S+)/);
  return requestId;
}

describe('flowdesk chat (spawned CLI)', () => {
  let chat: ChatProcess | undefined;
  afterEach(() => {
    if (process.env.FLOWDESK_E2E_DEBUG && chat) process.stderr.write(`${chat.stdout}\n${chat.stderr}\n`);
    chat?.kill();
  });

  it('starts one real run in Prefect and follows it to Completed', async () => {
    const prefect = new FakePrefectServer({
      autoProgress: { states: ['PENDING', 'RUNNING', 'COMPLETED'], stepMs: 150 },
    });
    const apiUrl = await prefect.start();
    const deployment = prefect.addDeployment({
      flowName: 'reset-vpn',
      name: 'production',
      parameterSchema: VPN_SCHEMA,
    });
    const prefix = `test:chat-e2e:${process.pid}-${Date.now().toString(36)}:`;
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      chat = new ChatProcess(
        ['chat', '--user', 'ann'],
        cleanEnv({ PREFECT_API_URL: apiUrl, REDIS_URL, FLOWDESK_REDIS_PREFIX: prefix }),
      );
      await chat.waitFor(/Store: +Redis at/);
      expect(chat.stdout).toMatch(/Prefect: live Prefect at http:\/\/127\.0\.0\.1/);
      expect(chat.stdout).toMatch(/Router: +local router/);
      const requestId = await requestVpnReset(chat);
      chat.send('1');
      await chat.waitFor(/🚀 Started “Reset VPN profile”/);
      chat.end();
      await chat.waitFor(/✅ Completed/);
      expect(await chat.exited).toBe(0);

      const creates = prefect.requests.filter(
        (r) => r.method === 'POST' && r.path.endsWith('/create_flow_run'),
      );
      expect(creates).toHaveLength(1);
      expect(creates[0].path).toBe(`/deployments/${deployment.id}/create_flow_run`);
      expect(creates[0].status).toBe(201);
      expect(creates[0].body).toMatchObject({
        parameters: { user_email: 'ann@example.com', notify: true },
        idempotency_key: requestId,
        tags: expect.arrayContaining(['flowdesk', 'vpn', 'requested-by:ann', `request:${requestId}`]),
      });
      await redis.connect();
      expect(await redis.keys(`${prefix}*`)).not.toHaveLength(0); // it really used Redis
    } finally {
      await prefect.stop();
      if (redis.status === 'ready') {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      } else {
        redis.disconnect();
      }
    }
  });

  it('with nothing reachable runs dry on an in-memory store and says so', async () => {
    const [prefectPort, redisPort] = [await freePort(), await freePort()];
    chat = new ChatProcess(
      ['chat', '--user', 'ann'],
      cleanEnv({
        PREFECT_API_URL: `http://127.0.0.1:${prefectPort}/api`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      }),
    );
    await chat.waitFor(/Store: /);
    expect(chat.stdout).toMatch(/Prefect: dry run: Prefect not reachable at http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(chat.stdout).toMatch(
      /Store: +Redis not reachable at redis:\/\/127\.0\.0\.1:\d+\/? — using an in-memory store/,
    );
    await requestVpnReset(chat);
    chat.send('1');
    await chat.waitFor(/would start reset-vpn\/production with \{"user_email":"ann@example\.com"\}/);
    chat.end();
    expect(await chat.exited).toBe(0);
  });
});
