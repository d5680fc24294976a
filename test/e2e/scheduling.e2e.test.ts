/**
 * Scheduling end to end: "restart search in staging tomorrow at 9" → a SCHEDULED flow run at 9:00
 * in the requester's time zone (from users.info), across a DST change (Paris in late October, New
 * York in March), shown on the card; "tonight at 22:00"; a time already past today is refused with a
 * clear message and nothing runs. Through the LLM router (fake OpenAI server: the model only picks
 * the process; the time comes from the user's words) and through the local router.
 */
import { ACTION } from '../../src/adapters/slack/action-ids';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../fakes/fake-openai-server';
import { ANN, buttonValue, type Card, LEA, NED, SlackWorld, settle, textOf } from './slack-world';

/** Saturday 25 Oct 2025, 12:00 in Paris (CEST, UTC+2); DST ends the next night (03:00 → 02:00). */
const PARIS_SATURDAY_NOON = new Date('2025-10-25T10:00:00Z');
/** Saturday 8 Mar 2025, 15:00 in New York (EST, UTC-5); DST starts the next night (02:00 → 03:00). */
const NEW_YORK_SATURDAY = new Date('2025-03-08T20:00:00Z');

let world: SlackWorld;
let openai: FakeOpenAiServer;
let local: number;

beforeAll(async () => {
  openai = await startFakeOpenAiServer();
  world = await SlackWorld.start({ file: 'scheduling-e2e', openai, now: PARIS_SATURDAY_NOON });
  await world.startInstance({ router: 'local' });
  local = world.instances.length - 1;
});

afterAll(async () => {
  await world.stop();
  await openai.close();
});

beforeEach(() => {
  world.slack.reset();
});

interface CreateBody {
  parameters: Record<string, unknown>;
  state?: { type: string; state_details?: { scheduled_time?: string } };
}

/** Run on the card; the body of the one create_flow_run it caused. */
async function runAndReadCreateBody(card: Card, user = ANN.id): Promise<CreateBody> {
  expect((await world.click(card, user, ACTION.run)).status).toBe(200);
  await world.waitForStatus(card.requestId, 'submitted');
  const calls = world.createRunCalls(card.requestId);
  expect(calls).toHaveLength(1);
  return calls[0].body as CreateBody;
}

function dateToken(iso: string): string {
  return `<!date^${Date.parse(iso) / 1000}^`;
}

describe('through the LLM router', () => {
  it('"tomorrow at 9" in Paris the day before DST ends → SCHEDULED at 08:00 UTC, shown on the card', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    openai.toolCall('run_restart-service', { service: 'search', environment: 'staging' });
    const card = await world.askForCard('restart search in staging tomorrow at 9', { user: ANN.id });
    // 09:00 CET on Sunday; today's offset (+2) would have given 07:00Z.
    const expected = '2025-10-26T08:00:00.000Z';
    expect((await world.request(card.requestId)).scheduledAt).toBe(expected);
    expect(textOf(card.call)).toContain('Scheduled for');
    expect(textOf(card.call)).toContain(dateToken(expected));

    const body = await runAndReadCreateBody(card);
    expect(body.parameters).toEqual({ service: 'search', environment: 'staging' });
    expect(body.state?.type).toBe('SCHEDULED');
    expect(body.state?.state_details?.scheduled_time).toBe(expected);
    const [run] = world.runsFor(card.requestId);
    expect(run.state?.type).toBe('SCHEDULED');
    // The status card says when it will run.
    await world.slack.waitFor(
      () =>
        world.slack
          .okCallsOf('chat.postMessage')
          .concat(world.slack.okCallsOf('chat.update'))
          .find((c) => textOf(c).includes('Scheduled for') && textOf(c).includes(dateToken(expected))),
      5000,
      'status card with the scheduled time',
    );
  });

  it('"tomorrow at 9am" in New York the day before DST starts → SCHEDULED at 13:00 UTC', async () => {
    world.clock.set(NEW_YORK_SATURDAY);
    openai.toolCall('run_restart-service', { service: 'search', environment: 'staging' });
    const card = await world.askForCard('restart search in staging tomorrow at 9am', { user: NED.id });
    const body = await runAndReadCreateBody(card, NED.id);
    // 09:00 EDT on Sunday; today's offset (-5) would have given 14:00Z.
    expect(body.state?.type).toBe('SCHEDULED');
    expect(body.state?.state_details?.scheduled_time).toBe('2025-03-09T13:00:00.000Z');
  });

  it('"tonight at 22:00" in Paris → SCHEDULED at 20:00 UTC today', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    openai.toolCall('run_restart-service', { service: 'payments', environment: 'production' });
    const card = await world.askForCard('restart payments in production tonight at 22:00', { user: ANN.id });
    const body = await runAndReadCreateBody(card);
    expect(body.state?.state_details?.scheduled_time).toBe('2025-10-25T20:00:00.000Z');
  });

  it('without a time the run starts now (no SCHEDULED state in the create body)', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    openai.toolCall('run_restart-service', { service: 'orders', environment: 'staging' });
    const card = await world.askForCard('restart orders in staging please', { user: ANN.id });
    const body = await runAndReadCreateBody(card);
    expect(body.state).toBeUndefined();
  });

  it('a time already past today is refused clearly and nothing is started', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    openai.toolCall('run_restart-service', { service: 'search', environment: 'staging' });
    const before = world.createRunCalls().length;
    const { ts } = await world.say('restart search in staging today at 1am', { user: ANN.id });
    const reply = await world.replyTo(ts);
    expect(buttonValue(reply, ACTION.run)).toBeUndefined();
    expect(textOf(reply)).toContain('in the past');
    expect(textOf(reply)).toContain('01:00'); // in Ann's own time
    await settle();
    expect(world.createRunCalls().length).toBe(before);
  });

  it('a scheduled request that needs approval keeps its time through the approval', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    openai.toolCall('run_deploy-app', { app: 'search', version: '7.1.0' });
    const card = await world.askForCard('deploy search version 7.1.0 tomorrow at 9', { user: ANN.id });
    const approvals = await world.runAndAwaitApprovalCards(card, 4);
    const expected = '2025-10-26T08:00:00.000Z';
    expect(approvals.every((a) => textOf(a.call).includes(dateToken(expected)))).toBe(true);
    const dm = approvals.find((a) => a.call.args.channel === LEA.id) as Card;
    await world.click(dm, LEA.id, ACTION.approve);
    await world.waitForStatus(card.requestId, 'submitted');
    const [call] = world.createRunCalls(card.requestId);
    expect((call.body as CreateBody).state?.state_details?.scheduled_time).toBe(expected);
  });
});

describe('through the local router', () => {
  it('reads the same time from the same words (Paris, across the end of DST)', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    const scripted = openai.pendingScripts();
    const card = await world.askForCard('restart search in staging tomorrow at 9', {
      user: ANN.id,
      instance: local,
    });
    expect(openai.pendingScripts()).toBe(scripted);
    const body = await runAndReadCreateBody(card);
    expect(body.state?.state_details?.scheduled_time).toBe('2025-10-26T08:00:00.000Z');
  });

  it('refuses a time already past today', async () => {
    world.clock.set(PARIS_SATURDAY_NOON);
    const { ts } = await world.say('restart search in staging today at 1am', {
      user: ANN.id,
      instance: local,
    });
    const reply = await world.replyTo(ts);
    expect(buttonValue(reply, ACTION.run)).toBeUndefined();
    expect(textOf(reply)).toContain('in the past');
  });
});
