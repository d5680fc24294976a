/**
 * A local Slack Web API for tests (real HTTP on 127.0.0.1, random port), to point `SLACK_API_URL`
 * at: `http://127.0.0.1:<port>/api/`. It records every call (form args with `blocks`/`view`
 * JSON-decoded), answers in the shapes of Slack's responses (java-slack-sdk samples), validates
 * Block Kit limits on every message and view (`invalid_blocks` when broken), can be scripted to
 * fail, and also receives `response_url` posts at `/response/<id>`.
 */
import http from 'node:http';
import { closeServer, listenOnLoopback } from '../helpers/loopback-server';
import { parseMultipart } from './fake-slack-files';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call carried (fake tokens only). */
  token?: string;
  /** What was answered (ok:false included). */
  response: Record<string, unknown>;
  status: number;
  at: number;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  email?: string;
  tz?: string;
  is_bot?: boolean;
}

export type Failure = string | { status: 429; retryAfter: number } | { network: true } | { status: number };

interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export const FAKE_BOT = { userId: 'UBOT00001', botId: 'BBOT00001', teamId: 'T0TEAM001' };

/** A file received through the external upload flow (files.getUploadURLExternal → POST → complete). */
export interface FakeUpload {
  fileId: string;
  /** As announced to files.getUploadURLExternal. */
  filename: string;
  length: number;
  /** The bytes POSTed to the upload URL (undefined until then). */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  completed?: { channel?: string; threadTs?: string; title?: string };
}

export class FakeSlackServer {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly usergroups = new Map<string, string[]>();
  readonly messages = new Map<string, StoredMessage>();
  /** Files uploaded with files.getUploadURLExternal / upload POST / files.completeUploadExternal. */
  readonly uploads: FakeUpload[] = [];
  readonly token: string;
  private readonly failures = new Map<string, Failure[]>();
  private readonly delays = new Map<string, number>();
  private server?: http.Server;
  private tsCounter = 0;
  private viewCounter = 0;
  private baseUrl = '';
  private socketModeUrl?: string | (() => string);

  constructor(options: { token?: string } = {}) {
    this.token = options.token ?? 'xoxb-test-token';
  }

  async start(): Promise<{ apiUrl: string; baseUrl: string }> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.baseUrl = await listenOnLoopback(this.server);
    return { apiUrl: `${this.baseUrl}/api/`, baseUrl: this.baseUrl };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeServer(server);
  }

  /** `http://127.0.0.1:<port>/api/` once started. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A response_url the fake records as method `response_url`. */
  responseUrl(id = 'cmd'): string {
    return `${this.baseUrl}/response/${id}`;
  }

  addUser(user: FakeUser): this {
    this.users.set(user.id, user);
    return this;
  }

  setUsergroup(id: string, members: string[]): this {
    this.usergroups.set(id, members);
    return this;
  }

  /** The next call(s) of `method` fail: a Slack error code, a 429 with Retry-After, or a dropped connection. */
  failNext(method: string, failure: Failure, times = 1): this {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(failure);
    this.failures.set(method, queue);
    return this;
  }

  /**
   * From now on apps.connections.open (with an `xapp-` token) answers `{ ok: true, url }`: the
   * WebSocket URL of a fake Socket Mode gateway, or a function giving a fresh one per call.
   * Until then it answers `unknown_method`, as before. `reset()` keeps it.
   */
  setSocketModeUrl(url: string | (() => string)): this {
    this.socketModeUrl = url;
    return this;
  }

  /** Every call of `method` waits `ms` before answering. */
  delay(method: string, ms: number): this {
    this.delays.set(method, ms);
    return this;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Successful calls only. */
  okCallsOf(method: string): RecordedCall[] {
    return this.callsOf(method).filter((c) => c.response.ok === true);
  }

  /** Calls Slack would have rejected for broken blocks. */
  invalidCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.response.error === 'invalid_blocks');
  }

  async waitFor<T>(
    probe: () => T | undefined | false | null | Promise<T | undefined | false | null>,
    timeoutMs = 5000,
    what = 'condition',
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`FakeSlackServer: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Waits until `count` successful calls of `method` matching `filter` were made. */
  async waitForCalls(
    method: string,
    count = 1,
    filter: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall[]> {
    return this.waitFor(
      () => {
        const found = this.okCallsOf(method).filter(filter);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} × ${method}`,
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.uploads.length = 0;
    this.failures.clear();
    this.delays.clear();
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const raw = body.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/upload/')) {
      this.receiveUpload(url.pathname.slice('/upload/'.length), req, body, res);
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      const args = safeJson(raw) as Record<string, unknown>;
      this.record(
        'response_url',
        { ...args, id: url.pathname.slice('/response/'.length) },
        { ok: true },
        200,
      );
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(req.headers['content-type'] ?? '', raw);
    const wait = this.delays.get(method);
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));

    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (bearer) args.__token = bearer;
    const failure = this.failures.get(method)?.shift();
    if (failure !== undefined) return this.fail(method, args, failure, res);

    if (req.headers.authorization !== `Bearer ${this.token}` && method !== 'apps.connections.open') {
      return this.send(method, args, res, 200, { ok: false, error: 'invalid_auth' });
    }
    const response = this.answer(method, args);
    this.send(method, args, res, 200, response);
  }

  private fail(
    method: string,
    args: Record<string, unknown>,
    failure: Failure,
    res: http.ServerResponse,
  ): void {
    if (typeof failure === 'string') {
      this.send(method, args, res, 200, { ok: false, error: failure });
      return;
    }
    if ('network' in failure) {
      this.record(method, args, { ok: false, error: 'network' }, 0);
      res.socket?.destroy();
      return;
    }
    if (failure.status === 429 && 'retryAfter' in failure) {
      this.record(method, args, { ok: false, error: 'ratelimited' }, 429);
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(failure.retryAfter) })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    this.send(method, args, res, failure.status, { ok: false, error: `http_${failure.status}` });
  }

  private send(
    method: string,
    args: Record<string, unknown>,
    res: http.ServerResponse,
    status: number,
    body: Record<string, unknown>,
  ): void {
    this.record(method, args, body, status);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private record(
    method: string,
    args: Record<string, unknown>,
    response: Record<string, unknown>,
    status: number,
  ) {
    const { __token: token, ...rest } = args;
    this.calls.push({
      method,
      args: rest,
      response,
      status,
      at: Date.now(),
      ...(typeof token === 'string' ? { token } : {}),
    });
  }

  // ------------------------------------------------------------------ methods

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://flowdesk-test.slack.com/',
          team: 'Flowdesk Test',
          user: 'flowdesk',
          team_id: FAKE_BOT.teamId,
          user_id: FAKE_BOT.userId,
          bot_id: FAKE_BOT.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'chat.postEphemeral': {
        const problems = validateMessage(args);
        if (problems.length > 0) return invalidBlocks(problems);
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.delete':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://flowdesk-test.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'reactions.add':
      case 'reactions.remove':
        return args.channel && args.timestamp && args.name
          ? { ok: true }
          : { ok: false, error: 'invalid_arguments' };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish':
        return this.view(method, args);
      case 'users.info':
        return this.userInfo(String(args.user ?? ''));
      case 'usergroups.users.list': {
        const members = this.usergroups.get(String(args.usergroup ?? ''));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: dmChannelFor(String(args.users ?? '').split(',')[0]) } };
      case 'files.getUploadURLExternal':
        return this.uploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      case 'apps.connections.open':
        return this.connectionsOpen(args);
      case 'assistant.threads.setStatus':
        return args.channel_id && args.thread_ts ? { ok: true } : { ok: false, error: 'invalid_arguments' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private connectionsOpen(args: Record<string, unknown>): Record<string, unknown> {
    const url = this.socketModeUrl;
    if (url === undefined) return { ok: false, error: 'unknown_method' };
    // Slack refuses bot and user tokens here: Socket Mode needs the app-level token.
    if (!String(args.__token ?? '').startsWith('xapp-'))
      return { ok: false, error: 'not_allowed_token_type' };
    return { ok: true, url: typeof url === 'string' ? url : url() };
  }

  private uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    const length = Number(args.length);
    if (!args.filename || !(length > 0)) return { ok: false, error: 'invalid_arguments' };
    const fileId = `F0UPLOAD${String(this.uploads.length + 1).padStart(4, '0')}`;
    this.uploads.push({ fileId, filename: String(args.filename), length });
    return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
  }

  /** The upload POST (multipart, as @slack/web-api sends it), recorded as method `upload`. */
  private receiveUpload(
    fileId: string,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): void {
    const upload = this.uploads.find((u) => u.fileId === fileId);
    const parts = parseMultipart(String(req.headers['content-type'] ?? ''), body);
    const bytes = (parts.find((p) => p.filename !== undefined) ?? parts[0])?.data ?? body;
    if (upload) upload.bytes = bytes;
    const status = upload ? 200 : 404;
    this.record('upload', { file_id: fileId, bytes: bytes.length }, { ok: upload !== undefined }, status);
    res
      .writeHead(status, { 'content-type': 'text/plain' })
      .end(upload ? `OK - ${bytes.length}` : 'not found');
  }

  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    const files = typeof args.files === 'string' ? safeJson(args.files) : args.files;
    if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
    const entries = files as Array<{ id?: string; title?: string }>;
    const found = entries.map((f) => this.uploads.find((u) => u.fileId === f.id && u.bytes !== undefined));
    if (found.some((u) => u === undefined)) return { ok: false, error: 'file_not_found' };
    entries.forEach((entry, i) => {
      (found[i] as FakeUpload).completed = {
        ...(args.channel_id ? { channel: String(args.channel_id) } : {}),
        ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
        ...(entry.title ? { title: entry.title } : {}),
      };
    });
    return {
      ok: true,
      files: entries.map((f, i) => ({
        id: f.id,
        title: f.title ?? '',
        name: (found[i] as FakeUpload).filename,
      })),
    };
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1750000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    if (!args.channel) return { ok: false, error: 'channel_not_found' };
    if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
    const problems = validateMessage(args);
    if (problems.length > 0) return invalidBlocks(problems);
    const requested = String(args.channel);
    const channel = /^[UW]/.test(requested) ? dmChannelFor(requested) : requested;
    const ts = this.nextTs();
    const message: StoredMessage = {
      channel,
      ts,
      text: args.text as string | undefined,
      blocks: args.blocks as unknown[] | undefined,
      ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
    };
    this.messages.set(`${channel}:${ts}`, message);
    return {
      ok: true,
      channel,
      ts,
      message: { type: 'message', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, ...message },
    };
  }

  private updateMessage(args: Record<string, unknown>): Record<string, unknown> {
    const key = `${String(args.channel)}:${String(args.ts)}`;
    const existing = this.messages.get(key);
    if (!existing)
      return {
        ok: false,
        error: /^[UW]/.test(String(args.channel)) ? 'channel_not_found' : 'message_not_found',
      };
    const problems = validateMessage(args);
    if (problems.length > 0) return invalidBlocks(problems);
    existing.text = (args.text as string | undefined) ?? existing.text;
    if (args.blocks !== undefined) existing.blocks = args.blocks as unknown[];
    return { ok: true, channel: existing.channel, ts: existing.ts, text: existing.text };
  }

  private view(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const view = args.view as Record<string, unknown> | undefined;
    if (!view || typeof view !== 'object') return { ok: false, error: 'invalid_arguments' };
    if (method === 'views.open' && !args.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
    if (method === 'views.publish' && (!args.user_id || view.type !== 'home'))
      return { ok: false, error: 'invalid_arguments' };
    const problems = validateView(view);
    if (problems.length > 0) return invalidBlocks(problems);
    this.viewCounter += 1;
    return {
      ok: true,
      view: { id: `V${String(this.viewCounter).padStart(8, '0')}`, team_id: FAKE_BOT.teamId, ...view },
    };
  }

  private userInfo(userId: string): Record<string, unknown> {
    const user = this.users.get(userId);
    if (!user) return { ok: false, error: 'user_not_found' };
    const realName = user.real_name ?? user.name;
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: FAKE_BOT.teamId,
        name: user.name,
        deleted: false,
        real_name: realName,
        tz: user.tz ?? 'America/New_York',
        tz_label: 'Local time',
        tz_offset: 0,
        is_bot: user.is_bot ?? false,
        profile: {
          real_name: realName,
          display_name: user.name,
          ...(user.email ? { email: user.email } : {}),
        },
      },
    };
  }
}

function dmChannelFor(userId: string): string {
  return `D${userId.slice(1)}`;
}

function invalidBlocks(problems: string[]): Record<string, unknown> {
  return { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages: problems } };
}

// ------------------------------------------------------------------ Block Kit validation

const L = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  header: 150,
  buttonText: 75,
  id: 255,
  value: 2000,
  url: 3000,
  contextElements: 10,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  options: 100,
  optionText: 75,
  optionValue: 150,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
};

type Obj = Record<string, unknown>;

function len(text: unknown): number {
  return typeof text === 'string' ? Array.from(text).length : 0;
}

function textOf(obj: unknown): unknown {
  return (obj as Obj | undefined)?.text;
}

export function validateMessage(args: Obj): string[] {
  if (args.blocks === undefined) return [];
  if (!Array.isArray(args.blocks)) return ['blocks must be an array'];
  return validateBlocks(args.blocks as unknown[], L.messageBlocks);
}

export function validateView(view: Obj): string[] {
  const problems: string[] = [];
  if (view.type === 'modal') {
    check(
      problems,
      len(textOf(view.title)) >= 1 && len(textOf(view.title)) <= L.viewTitle,
      'view title 1..24',
    );
    if (view.submit) check(problems, len(textOf(view.submit)) <= L.viewButton, 'view submit ≤ 24');
    if (view.close) check(problems, len(textOf(view.close)) <= L.viewButton, 'view close ≤ 24');
  }
  if (view.private_metadata !== undefined) {
    check(problems, len(view.private_metadata) <= L.privateMetadata, 'private_metadata ≤ 3000');
  }
  if (view.callback_id !== undefined) check(problems, len(view.callback_id) <= L.id, 'callback_id ≤ 255');
  if (!Array.isArray(view.blocks)) return [...problems, 'view blocks must be an array'];
  return [...problems, ...validateBlocks(view.blocks as unknown[], L.viewBlocks)];
}

function check(problems: string[], ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

export function validateBlocks(blocks: unknown[], maxBlocks: number): string[] {
  const problems: string[] = [];
  check(problems, blocks.length <= maxBlocks, `${blocks.length} blocks > ${maxBlocks}`);
  const ids = new Set<string>();
  blocks.forEach((raw, index) => {
    const block = raw as Obj;
    const at = `blocks[${index}] (${String(block.type)})`;
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      check(problems, len(id) <= L.id, `${at}: block_id > 255`);
      check(problems, !ids.has(id), `${at}: duplicate block_id ${id}`);
      ids.add(id);
    }
    switch (block.type) {
      case 'section':
        validateSection(problems, at, block);
        break;
      case 'header':
        check(problems, (block.text as Obj)?.type === 'plain_text', `${at}: header text must be plain_text`);
        check(
          problems,
          len(textOf(block.text)) >= 1 && len(textOf(block.text)) <= L.header,
          `${at}: header 1..150`,
        );
        break;
      case 'context': {
        const elements = (block.elements as Obj[]) ?? [];
        check(
          problems,
          elements.length >= 1 && elements.length <= L.contextElements,
          `${at}: context 1..10 elements`,
        );
        for (const e of elements)
          check(problems, len(e.text) <= L.sectionText, `${at}: context text too long`);
        break;
      }
      case 'actions': {
        const elements = (block.elements as Obj[]) ?? [];
        check(
          problems,
          elements.length >= 1 && elements.length <= L.actionsElements,
          `${at}: actions 1..25 elements`,
        );
        for (const e of elements) validateElement(problems, at, e);
        break;
      }
      case 'input':
        check(
          problems,
          len(textOf(block.label)) >= 1 && len(textOf(block.label)) <= L.label,
          `${at}: label 1..2000`,
        );
        if (block.hint) check(problems, len(textOf(block.hint)) <= L.hint, `${at}: hint ≤ 2000`);
        validateElement(problems, at, block.element as Obj);
        break;
      case 'image':
        check(
          problems,
          len(block.alt_text) >= 1 && len(block.alt_text) <= 2000,
          `${at}: image alt_text 1..2000`,
        );
        check(
          problems,
          len(block.image_url) >= 1 && len(block.image_url) <= L.url,
          `${at}: image_url 1..3000`,
        );
        if (block.title) check(problems, len(textOf(block.title)) <= 2000, `${at}: image title ≤ 2000`);
        break;
      case 'divider':
        break;
      default:
        break;
    }
  });
  return problems;
}

function validateSection(problems: string[], at: string, block: Obj): void {
  const hasText = block.text !== undefined;
  const fields = block.fields as Obj[] | undefined;
  check(problems, hasText || (fields?.length ?? 0) > 0, `${at}: section needs text or fields`);
  if (hasText) {
    const n = len(textOf(block.text));
    check(problems, n >= 1 && n <= L.sectionText, `${at}: section text ${n} not in 1..3000`);
  }
  if (fields) {
    check(problems, fields.length <= L.fields, `${at}: ${fields.length} fields > 10`);
    for (const f of fields)
      check(problems, len(f.text) >= 1 && len(f.text) <= L.fieldText, `${at}: field 1..2000`);
  }
  if (block.accessory) validateElement(problems, at, block.accessory as Obj);
}

function validateConfirm(problems: string[], at: string, confirm: Obj | undefined): void {
  if (!confirm) return;
  check(problems, len(textOf(confirm.title)) <= L.confirmTitle, `${at}: confirm title ≤ 100`);
  check(problems, len(textOf(confirm.text)) <= L.confirmText, `${at}: confirm text ≤ 300`);
  check(problems, len(textOf(confirm.confirm)) <= L.confirmButton, `${at}: confirm button ≤ 30`);
  check(problems, len(textOf(confirm.deny)) <= L.confirmButton, `${at}: deny button ≤ 30`);
}

function validateOptions(problems: string[], at: string, options: Obj[] | undefined): void {
  if (!options) return;
  check(problems, options.length <= L.options, `${at}: ${options.length} options > 100`);
  for (const o of options) {
    check(problems, len(textOf(o.text)) <= L.optionText, `${at}: option text ≤ 75`);
    check(problems, len(o.value) <= L.optionValue, `${at}: option value ≤ 150`);
  }
}

function validateElement(problems: string[], at: string, element: Obj | undefined): void {
  if (!element) {
    problems.push(`${at}: missing element`);
    return;
  }
  if (element.action_id !== undefined)
    check(problems, len(element.action_id) <= L.id, `${at}: action_id > 255`);
  validateConfirm(problems, at, element.confirm as Obj | undefined);
  if (element.placeholder)
    check(problems, len(textOf(element.placeholder)) <= L.placeholder, `${at}: placeholder ≤ 150`);
  switch (element.type) {
    case 'button':
      check(
        problems,
        len(textOf(element.text)) >= 1 && len(textOf(element.text)) <= L.buttonText,
        `${at}: button text 1..75`,
      );
      if (element.value !== undefined)
        check(problems, len(element.value) <= L.value, `${at}: button value ≤ 2000`);
      if (element.url !== undefined) check(problems, len(element.url) <= L.url, `${at}: button url ≤ 3000`);
      if (element.style !== undefined) {
        check(problems, element.style === 'primary' || element.style === 'danger', `${at}: bad button style`);
      }
      break;
    case 'static_select':
    case 'multi_static_select':
    case 'checkboxes':
    case 'radio_buttons': {
      const options = element.options as Obj[] | undefined;
      check(
        problems,
        (options?.length ?? 0) >= 1,
        `${at}: ${String(element.type)} needs at least one option`,
      );
      validateOptions(problems, at, options);
      const initial = [element.initial_option, ...((element.initial_options as Obj[]) ?? [])].filter(
        Boolean,
      ) as Obj[];
      for (const i of initial) {
        check(
          problems,
          (options ?? []).some((o) => o.value === i.value),
          `${at}: initial option not among options`,
        );
      }
      break;
    }
    case 'plain_text_input': {
      const max = typeof element.max_length === 'number' ? element.max_length : 3000;
      check(problems, max <= 3000, `${at}: max_length ≤ 3000`);
      if (element.initial_value !== undefined)
        check(problems, len(element.initial_value) <= max, `${at}: initial_value > max_length`);
      break;
    }
    case 'datepicker':
      if (element.initial_date !== undefined) {
        check(
          problems,
          /^\d{4}-\d{2}-\d{2}$/.test(String(element.initial_date)),
          `${at}: initial_date YYYY-MM-DD`,
        );
      }
      break;
    case 'datetimepicker':
      if (element.initial_date_time !== undefined) {
        check(
          problems,
          Number.isInteger(element.initial_date_time),
          `${at}: initial_date_time must be an integer`,
        );
      }
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------ parsing

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const JSON_ARGS = ['blocks', 'view', 'attachments', 'metadata'];

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return (safeJson(raw) as Record<string, unknown>) ?? {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_ARGS.includes(key) ? (safeJson(value) ?? value) : value;
  }
  return args;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
