/**
 * The world of the approval / access / scheduling end-to-end tests: the real runtime
 * (`buildRuntime` + `startSlackBot`, as `flowdesk start` wires them) over HTTP with signed Slack
 * requests, the fake Slack Web API (users with time zones via users.info, user groups via
 * usergroups.users.list), the fake Prefect server, real Redis under a unique prefix, a pinned clock,
 * and pino JSON logs captured so the audit trail can be read. Several app instances can share the
 * same Redis prefix (replicas). Optionally the LLM router, against the fake OpenAI server.
 */
import { join } from 'node:path';
import { ACTION, CALLBACK, REJECT_REASON } from '../../src/adapters/slack/action-ids';
import type { Runtime } from '../../src/app/build-runtime';
import type { AuditRecord, Clock } from '../../src/core/ports';
import type { RequestRecord } from '../../src/core/types';
import { createLogger } from '../../src/logger';
import { deleteTestKeys, uniquePrefix } from '../adapters/store/redis-test-support';
import type { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { FakePrefectServer } from '../fakes/fake-prefect-server';
import { FAKE_BOT, FakeSlackServer, type FakeUser, type RecordedCall } from '../fakes/fake-slack-server';
import { type FlowdeskInstance, startFlowdeskInstance } from '../helpers/flowdesk-instance';
import { buttonValue, type Card } from '../helpers/slack-cards';
import {
  blockActionPayload,
  commandFields,
  mentionEvent,
  messageEvent,
  newTs,
  postAction,
  postCommand,
  postEvent,
  postViewSubmission,
  viewSubmissionPayload,
} from '../helpers/slack-requests';

export const SECRET = 'e2e-approvals-signing-secret-0123456789';
export const MAPS = join(__dirname, '../fixtures/e2e/process-maps');

const user = (id: string, name: string, tz: string): FakeUser & { tz: string } => ({
  id,
  name,
  real_name: `${name[0].toUpperCase()}${name.slice(1)} Example`,
  email: `${name}@example.com`,
  tz,
});

export const ANN = user('U0ANN0001', 'ann', 'Europe/Paris');
export const BOB = user('U0BOB0002', 'bob', 'UTC');
/** Listed approver of deploy-app and rotate-keys. */
export const LEA = user('U0LEAD0001', 'lea', 'UTC');
export const LEO = user('U0LEAD0002', 'leo', 'Europe/Berlin');
export const LIA = user('U0LEAD0003', 'lia', 'Asia/Tokyo');
export const ADA = user('U0ADM0003', 'ada', 'UTC');
/** Member of the ops user group (purge-cache). */
export const CAT = user('U0CAT0004', 'cat', 'UTC');
export const NED = user('U0NED0005', 'ned', 'America/New_York');
/** Twenty members of S0APPROVE, the approvers of flush-queue. */
export const APPROVERS = Array.from({ length: 20 }, (_, i) =>
  user(`U0APR${String(i).padStart(4, '0')}`, `approver${i}`, 'UTC'),
);

export const GROUPS = {
  /** ANN is a lead too: she is an approver of deploy-app, but may not approve her own request. */
  leads: { id: 'S0LEADS01', members: [ANN.id, LEO.id, LIA.id] },
  ops: { id: 'S0OPS0001', members: [CAT.id] },
  approve: { id: 'S0APPROVE', members: APPROVERS.map((a) => a.id) },
};

export const CHANNEL = 'C0SERVICE1';
export const OPS_ROOM = 'C0OPSROOM';

/** A clock the test moves; the engine, the store's expiry index and the run follower read it. */
export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** One pino line of the audit trail. */
export type AuditLine = AuditRecord & { audit: true; msg: string };

export type Instance = FlowdeskInstance;

export type { Card };

/** An open edit modal: its metadata and the block id of its first input. */
export interface EditModal {
  privateMetadata: string;
  inputBlockId: string;
}

export interface WorldOptions {
  file: string;
  openai?: FakeOpenAiServer;
  now?: Date;
  /** Process maps (default MAPS); a copy lets a test change a map and `/flowdesk reload`. */
  mapsPath?: string;
}

const enumOf = (values: string[]) => ({ type: 'string', enum: values });
const stringParam = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });

const DEPLOYMENTS: Array<{ flowName: string; properties: Record<string, object>; required: string[] }> = [
  {
    flowName: 'restart-service',
    properties: {
      service: enumOf(['search', 'payments', 'orders']),
      environment: enumOf(['staging', 'production']),
    },
    required: ['service', 'environment'],
  },
  {
    flowName: 'deploy-app',
    properties: { app: enumOf(['search', 'payments']), version: stringParam() },
    required: ['app', 'version'],
  },
  { flowName: 'rotate-keys', properties: { app: enumOf(['search', 'payments']) }, required: ['app'] },
  { flowName: 'drop-replica', properties: { replica: stringParam() }, required: ['replica'] },
  { flowName: 'flush-queue', properties: { queue: stringParam() }, required: ['queue'] },
  {
    flowName: 'reset-vpn',
    properties: { user_email: stringParam({ format: 'email' }) },
    required: ['user_email'],
  },
  { flowName: 'purge-cache', properties: { app: enumOf(['search', 'payments']) }, required: ['app'] },
  { flowName: 'open-incident', properties: { title: stringParam() }, required: ['title'] },
  { flowName: 'wipe-database', properties: { name: stringParam() }, required: ['name'] },
];

export class SlackWorld {
  readonly slack = new FakeSlackServer();
  readonly prefect = new FakePrefectServer();
  readonly clock: TestClock;
  readonly prefix: string;
  /** Every pino JSON line the instances wrote. */
  readonly logLines: string[] = [];
  readonly instances: Instance[] = [];

  private constructor(private readonly options: WorldOptions) {
    this.clock = new TestClock(options.now ?? new Date());
    this.prefix = uniquePrefix(options.file);
  }

  static async start(options: WorldOptions): Promise<SlackWorld> {
    const world = new SlackWorld(options);
    await world.slack.start();
    for (const u of [ANN, BOB, LEA, LEO, LIA, ADA, CAT, NED, ...APPROVERS]) world.slack.addUser(u);
    for (const group of Object.values(GROUPS)) world.slack.setUsergroup(group.id, group.members);
    await world.prefect.start();
    for (const d of DEPLOYMENTS) {
      world.prefect.addDeployment({
        flowName: d.flowName,
        name: 'production',
        parameterSchema: {
          title: 'Parameters',
          type: 'object',
          properties: d.properties,
          required: d.required,
        },
      });
    }
    await world.startInstance();
    return world;
  }

  /**
   * One more app instance (a replica) on the same Redis prefix, Slack and Prefect; `router: 'local'`
   * gives it the local router even when the world has the LLM one.
   */
  async startInstance(options: { router?: 'local' } = {}): Promise<Instance> {
    const openai = options.router === 'local' ? undefined : this.options.openai;
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => this.logLines.push(line) },
    }).child({ instance: this.instances.length });
    const instance = await startFlowdeskInstance({
      slack: this.slack,
      prefect: this.prefect,
      signingSecret: SECRET,
      prefix: this.prefix,
      processMapsPath: this.options.mapsPath ?? MAPS,
      env: {
        FLOWDESK_ROUTER: openai ? 'auto' : 'local',
        FLOWDESK_ADMINS: ADA.id,
        LOG_LEVEL: 'info',
        ...(openai ? { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL } : {}),
      },
      runtime: { logger, clock: this.clock, tuning: { llm: { maxRetries: 0, timeoutMs: 5000 } } },
    });
    this.instances.push(instance);
    return instance;
  }

  get runtime(): Runtime {
    return this.instances[0].runtime;
  }

  eventsUrl(instance = 0): string {
    return this.instances[instance].eventsUrl;
  }

  async stop(): Promise<void> {
    for (const instance of this.instances) await instance.stop();
    await this.slack.stop();
    await this.prefect.stop();
    await deleteTestKeys(this.prefix);
  }

  // ------------------------------------------------------------------ users talk to the bot

  /** Posts a mention (or a DM) and returns its ts; replies land in the thread of that ts. */
  async say(
    text: string,
    options: { user?: string; channel?: string; dm?: boolean; instance?: number; threadTs?: string } = {},
  ): Promise<{ ts: string; channel: string }> {
    const ts = newTs();
    const from = options.user ?? ANN.id;
    const channel = options.dm ? `D${from.slice(1)}` : (options.channel ?? CHANNEL);
    const threadTs = options.threadTs;
    const event = options.dm
      ? messageEvent({ user: from, channel, channelType: 'im', text, ts, ...(threadTs ? { threadTs } : {}) })
      : mentionEvent({
          user: from,
          channel,
          text: `<@${FAKE_BOT.userId}> ${text}`,
          ts,
          ...(threadTs ? { threadTs } : {}),
        });
    const response = await postEvent(this.eventsUrl(options.instance), SECRET, event);
    if (response.status !== 200) throw new Error(`event answered ${response.status}`);
    return { ts, channel };
  }

  /** The first reply the bot posted in the thread of `ts` (after call number `from`). */
  async replyTo(
    ts: string,
    filter: (call: RecordedCall) => boolean = () => true,
    from = 0,
  ): Promise<RecordedCall> {
    const [call] = await this.slack.waitForCalls(
      'chat.postMessage',
      1,
      (c) => c.args.thread_ts === ts && filter(c) && this.slack.calls.indexOf(c) >= from,
    );
    return call;
  }

  /** Says `text` and waits for the confirmation card (Run button). */
  async askForCard(
    text: string,
    options: { user?: string; channel?: string; dm?: boolean; instance?: number } = {},
  ): Promise<Card> {
    const { ts, channel } = await this.say(text, options);
    const call = await this.replyTo(ts, (c) => buttonValue(c, ACTION.run) !== undefined);
    return { requestId: buttonValue(call, ACTION.run) as string, channel, threadTs: ts, call };
  }

  /** A signed click on a button of a message the bot posted. */
  click(card: Card, userId: string, actionId: string, options: { instance?: number; channel?: string } = {}) {
    return postAction(
      this.eventsUrl(options.instance),
      SECRET,
      blockActionPayload({
        user: userId,
        actionId,
        value: card.requestId,
        channel: options.channel ?? String(card.call.response.channel ?? card.channel),
        messageTs: String(card.call.response.ts),
        ...(card.call.args.thread_ts ? { threadTs: String(card.call.args.thread_ts) } : {}),
        blocks: card.call.args.blocks as unknown[],
        responseUrl: this.slack.responseUrl('click'),
        // Slack sends the block id of the clicked button's block back (approval cards carry state there).
        ...blockIdOf(card.call, actionId),
      }),
    );
  }

  /** Run on the card, then the approval cards (thread + DMs) once posted. */
  async runAndAwaitApprovalCards(card: Card, expectedCards: number, requester = ANN.id): Promise<Card[]> {
    expect((await this.click(card, requester, ACTION.run)).status).toBe(200);
    return this.approvalCards(card.requestId, expectedCards);
  }

  async approvalCards(requestId: string, count: number): Promise<Card[]> {
    const calls = await this.slack.waitForCalls(
      'chat.postMessage',
      count,
      (c) => buttonValue(c, ACTION.approve) === requestId,
    );
    return calls.map((call) => ({
      requestId,
      channel: String(call.response.channel),
      threadTs: String(call.args.thread_ts ?? ''),
      call,
    }));
  }

  /** Waits until every one of `cards` was edited (chat.update) into something that passes `filter`. */
  async cardsUpdated(cards: Card[], filter: (call: RecordedCall) => boolean): Promise<RecordedCall[]> {
    return this.slack.waitFor(
      () => {
        const updates = cards.map((card) =>
          this.slack
            .okCallsOf('chat.update')
            .find(
              (c) =>
                c.args.channel === card.call.response.channel &&
                c.args.ts === card.call.response.ts &&
                filter(c),
            ),
        );
        return updates.every((u) => u !== undefined) ? (updates as RecordedCall[]) : undefined;
      },
      5000,
      `${cards.length} cards updated`,
    );
  }

  /** `/flowdesk <text>`: the private answer Slack gets through response_url. */
  async command(userId: string, text: string, channel = CHANNEL, instance = 0): Promise<RecordedCall> {
    const id = `cmd-${newTs()}`;
    const response = await postCommand(
      this.eventsUrl(instance),
      SECRET,
      commandFields({ user: userId, text, channel, responseUrl: this.slack.responseUrl(id) }),
    );
    if (response.status !== 200) throw new Error(`command answered ${response.status}`);
    const [call] = await this.slack.waitFor(
      () => {
        const found = this.slack.calls.filter((c) => c.method === 'response_url' && c.args.id === id);
        return found.length > 0 ? found : undefined;
      },
      5000,
      `response to /flowdesk ${text}`,
    );
    return call;
  }

  /** Edit on the card: waits for the edit modal and returns what submitting it needs. */
  async openEditModal(card: Card, userId: string): Promise<EditModal> {
    await this.click(card, userId, ACTION.edit);
    const [open] = await this.slack.waitForCalls('views.open', 1, (c) =>
      JSON.stringify(c.args.view).includes(CALLBACK.editModal),
    );
    const view = open.args.view as {
      private_metadata: string;
      blocks: Array<{ type: string; block_id?: string }>;
    };
    return {
      privateMetadata: view.private_metadata,
      inputBlockId: view.blocks.find((b) => b.type === 'input')?.block_id as string,
    };
  }

  /** Submits the edit modal with `element` as the value of its first input; Slack's HTTP answer. */
  submitEditModal(modal: EditModal, userId: string, element: { type: string; value: string }) {
    return postViewSubmission(
      this.eventsUrl(),
      SECRET,
      viewSubmissionPayload({
        user: userId,
        callbackId: CALLBACK.editModal,
        privateMetadata: modal.privateMetadata,
        values: { [modal.inputBlockId]: { value: element } },
      }),
    );
  }

  /** Reject with a reason: the button opens the modal, the modal is submitted. */
  async reject(card: Card, userId: string, reason: string, instance = 0): Promise<void> {
    const before = this.slack.okCallsOf('views.open').length;
    expect((await this.click(card, userId, ACTION.reject, { instance })).status).toBe(200);
    const opened = await this.slack.waitFor(
      () =>
        this.slack
          .okCallsOf('views.open')
          .slice(before)
          .find((c) => isRejectModal(c)),
      5000,
      'reject modal',
    );
    const view = opened.args.view as { private_metadata: string };
    const submitted = await postViewSubmission(
      this.eventsUrl(instance),
      SECRET,
      viewSubmissionPayload({
        user: userId,
        callbackId: CALLBACK.rejectModal,
        privateMetadata: view.private_metadata,
        values: {
          [REJECT_REASON.blockId]: { [REJECT_REASON.actionId]: { type: 'plain_text_input', value: reason } },
        },
      }),
    );
    expect(submitted.status).toBe(200);
  }

  // ------------------------------------------------------------------ what happened

  async request(id: string): Promise<RequestRecord> {
    const found = await this.runtime.store.getRequest(id);
    if (!found) throw new Error(`no request ${id}`);
    return found;
  }

  async waitForStatus(id: string, status: RequestRecord['status'], timeoutMs = 5000): Promise<RequestRecord> {
    return this.slack.waitFor(
      async () => {
        const found = await this.runtime.store.getRequest(id);
        return found?.status === status ? found : undefined;
      },
      timeoutMs,
      `request ${id} ${status}`,
    );
  }

  /** create_flow_run calls Prefect answered with a new run (201) or an existing one (200). */
  createRunCalls(idempotencyKey?: string) {
    return this.prefect
      .requestsTo('POST', /\/deployments\/[^/]+\/create_flow_run$/)
      .filter(
        (r) =>
          idempotencyKey === undefined ||
          (r.body as { idempotency_key?: string } | undefined)?.idempotency_key === idempotencyKey,
      );
  }

  runsFor(requestId: string) {
    return this.prefect.runs().filter((run) => run.idempotency_key === requestId);
  }

  /** Audit records (pino JSON lines with `audit: true`), optionally for one request. */
  audit(requestId?: string): AuditLine[] {
    return this.logLines
      .map((line) => JSON.parse(line) as Partial<AuditLine>)
      .filter((entry): entry is AuditLine => entry.audit === true)
      .filter((entry) => requestId === undefined || entry.requestId === requestId);
  }

  /** Ephemeral messages shown to `userId` since call index `from`. */
  ephemeralsTo(userId: string, from = 0): RecordedCall[] {
    return this.slack
      .okCallsOf('chat.postEphemeral')
      .filter((c) => c.args.user === userId)
      .filter((c) => this.slack.calls.indexOf(c) >= from);
  }
}

function isRejectModal(call: RecordedCall): boolean {
  return (call.args.view as { callback_id?: string } | undefined)?.callback_id === CALLBACK.rejectModal;
}

export { buttonValue };

function blockIdOf(call: RecordedCall, actionId: string): { blockId?: string } {
  const blocks = (call.args.blocks ?? []) as Array<{
    block_id?: string;
    elements?: Array<{ action_id?: string }>;
  }>;
  const block = blocks.find((b) => b.elements?.some((e) => e.action_id === actionId));
  return block?.block_id ? { blockId: block.block_id } : {};
}

export function buttonsOf(call: RecordedCall): Array<{ action_id?: string; confirm?: unknown }> {
  return ((call.args.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; confirm?: unknown }> }>)
    .flatMap((block) => block.elements ?? [])
    .filter((element) => element.action_id !== undefined);
}

export function textOf(call: RecordedCall): string {
  return `${String(call.args.text ?? '')}\n${JSON.stringify(call.args.blocks ?? [])}`;
}

/** Waits long enough for stray concurrent work (late clicks, notifier edits) to have settled. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
