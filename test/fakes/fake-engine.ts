/**
 * A hand-written Engine for Slack adapter tests. It keeps requests in the given Store (so the
 * adapter's message refs and CAS work as in production), answers by simple rules on the text,
 * refuses card actions from anyone but the requester (or an admin), can be slowed down, and
 * records every call.
 */
import type {
  ActionInput,
  EditForm,
  EditResult,
  Engine,
  MessageInput,
  Reply,
  RunSummary,
} from '../../src/core/engine-api';
import { FlowdeskError } from '../../src/core/errors';
import type { Store } from '../../src/core/ports';
import type { JsonSchema, ParameterValues, ProcessDef, Requester, RequestRecord } from '../../src/core/types';

export const FAKE_PROCESS: ProcessDef = {
  id: 'refresh-dashboard',
  title: 'Refresh sales dashboard',
  description: 'Rebuilds the quarterly sales dashboard from the warehouse.',
  deployment: 'refresh-dashboard/production',
  examples: ['refresh the Q3 sales dashboard'],
  aliases: [],
  parameters: {},
  required: ['quarter'],
  confirm: true,
  tags: ['bi'],
  source: { file: 'process-maps/bi.yaml', line: 3 },
};

export const FAKE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    quarter: { type: 'string', enum: ['Q1', 'Q2', 'Q3', 'Q4'], title: 'Quarter', position: 0 },
    full_rebuild: { type: 'boolean', default: false, position: 1 },
    rows: { type: 'integer', minimum: 1, position: 2 },
  },
  required: ['quarter'],
};

export interface EngineCall {
  method: keyof Engine;
  input: unknown;
}

export class FakeEngine implements Engine {
  readonly calls: EngineCall[] = [];
  /** Every method waits this long first (slow model / Prefect). */
  delayMs = 0;
  processes: ProcessDef[] = [FAKE_PROCESS];
  private sequence = 0;

  constructor(
    private readonly store: Store,
    private readonly options: { idPrefix?: string; now?: () => Date } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async enter(method: keyof Engine, input: unknown): Promise<void> {
    this.calls.push({ method, input });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }

  callsOf(method: keyof Engine): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input);
  }

  async handleMessage(input: MessageInput): Promise<Reply[]> {
    await this.enter('handleMessage', input);
    // As the real engine: a message delivered again (its `once` key claimed) changes and says nothing.
    if (input.once && !(await this.store.claimOnce(input.once.key, input.once.ttlSeconds))) return [];
    const text = input.text.toLowerCase();
    if (text.includes('hello')) return [{ kind: 'text', text: `Hello ${input.requester.name}!` }];
    if (text.includes('weather')) {
      return [
        {
          kind: 'out_of_scope',
          text: 'I cannot help with that.',
          suggestions: [
            { processId: FAKE_PROCESS.id, title: FAKE_PROCESS.title, example: FAKE_PROCESS.examples[0] },
          ],
        },
      ];
    }
    if (text.includes('explode')) throw new FlowdeskError('prefect_unavailable', 'Prefect down in fake');
    const request = await this.createRequest(input, {
      quarter: text.match(/q[1-4]/)?.[0]?.toUpperCase() ?? 'Q3',
    });
    return [{ kind: 'confirmation', request, process: FAKE_PROCESS, schema: FAKE_SCHEMA, dryRun: false }];
  }

  async createRequest(input: Pick<MessageInput, 'requester' | 'thread'>, parameters: ParameterValues) {
    this.sequence += 1;
    const at = this.now().toISOString();
    const request: RequestRecord = {
      id: `${this.options.idPrefix ?? 'fr'}${Date.now().toString(36)}${this.sequence}`,
      processId: FAKE_PROCESS.id,
      parameters,
      requester: input.requester,
      thread: input.thread,
      status: 'awaiting_confirmation',
      version: 0,
      createdAt: at,
      updatedAt: at,
      approvals: [],
      messages: {},
    };
    if (!(await this.store.createRequest(request))) throw new Error('duplicate request id in fake engine');
    return request;
  }

  private async owned(input: ActionInput): Promise<RequestRecord | Reply> {
    const request = await this.store.getRequest(input.requestId);
    if (!request) return { kind: 'error', code: 'request_not_found', text: 'I could not find that request.' };
    if (request.requester.id !== input.actor.id && !input.isAdmin) {
      return { kind: 'error', code: 'not_allowed', text: `Only <@${request.requester.id}> can do that.` };
    }
    return request;
  }

  private async transition(
    request: RequestRecord,
    change: Partial<RequestRecord>,
  ): Promise<RequestRecord | null> {
    const next: RequestRecord = {
      ...request,
      ...change,
      version: request.version + 1,
      updatedAt: this.now().toISOString(),
    };
    return (await this.store.compareAndSet(next, request.version)) ? next : null;
  }

  async confirm(input: ActionInput): Promise<Reply[]> {
    await this.enter('confirm', input);
    const owned = await this.owned(input);
    if ('kind' in owned) return [owned];
    if (owned.status !== 'awaiting_confirmation') {
      return [{ kind: 'error', code: 'request_conflict', text: 'That request has already been handled.' }];
    }
    const next = await this.transition(owned, {
      status: 'submitted',
      run: {
        flowRunId: `run-${owned.id}`,
        deploymentId: 'dep-1',
        url: `http://prefect.local/runs/flow-run/run-${owned.id}`,
        state: { type: 'SCHEDULED', name: 'Scheduled', timestamp: this.now().toISOString() },
      },
    });
    if (!next)
      return [{ kind: 'error', code: 'request_conflict', text: 'That request has already been handled.' }];
    return [{ kind: 'status', request: next, process: FAKE_PROCESS }];
  }

  async cancel(input: ActionInput): Promise<Reply[]> {
    await this.enter('cancel', input);
    const owned = await this.owned(input);
    if ('kind' in owned) return [owned];
    const next = await this.transition(owned, {
      status: 'closed',
      closedReason: 'cancelled',
      cancelledBy: input.actor.id,
    });
    if (!next)
      return [{ kind: 'error', code: 'request_conflict', text: 'That request has already been handled.' }];
    return [{ kind: 'text', text: 'Cancelled.' }];
  }

  async editForm(input: ActionInput): Promise<EditForm> {
    await this.enter('editForm', input);
    const owned = await this.owned(input);
    if ('kind' in owned) throw new FlowdeskError('not_allowed', 'not the requester');
    return { request: owned, process: FAKE_PROCESS, schema: FAKE_SCHEMA };
  }

  async submitEdit(input: ActionInput & { values: ParameterValues }): Promise<EditResult> {
    await this.enter('submitEdit', input);
    const owned = await this.owned(input);
    if ('kind' in owned) throw new FlowdeskError('not_allowed', 'not the requester');
    const rows = input.values.rows;
    if (typeof rows === 'number' && rows < 1) return { ok: false, errors: { rows: 'Must be at least 1.' } };
    if (input.values.quarter === undefined) return { ok: false, errors: { quarter: 'Quarter is required.' } };
    const next = await this.transition(owned, { parameters: input.values });
    if (!next) return { ok: false, errors: { '': 'The request changed meanwhile; try again.' } };
    return {
      ok: true,
      replies: [
        { kind: 'confirmation', request: next, process: FAKE_PROCESS, schema: FAKE_SCHEMA, dryRun: false },
      ],
    };
  }

  async approve(input: ActionInput): Promise<Reply[]> {
    await this.enter('approve', input);
    return [{ kind: 'text', text: `Approved by ${input.actor.name}.` }];
  }

  async reject(input: ActionInput & { reason?: string }): Promise<Reply[]> {
    await this.enter('reject', input);
    if (input.actor.id === 'U0NOTLEAD') return [{ kind: 'denied', text: 'Only approvers can reject.' }];
    return [{ kind: 'text', text: `Rejected${input.reason ? `: ${input.reason}` : ''}.` }];
  }

  async listRuns(
    actor: Requester,
    options: { all: boolean; isAdmin: boolean; limit?: number },
  ): Promise<RunSummary[]> {
    await this.enter('listRuns', { actor, options });
    const requests = options.all
      ? await this.store.listRecentRequests(options.limit ?? 20)
      : await this.store.listRequestsByUser(actor.id, options.limit ?? 20);
    return requests.map((request) => ({ request, process: FAKE_PROCESS }));
  }

  async status(actor: Requester, id: string, isAdmin: boolean): Promise<RunSummary> {
    await this.enter('status', { actor, id, isAdmin });
    const request = await this.store.getRequest(id);
    if (!request) throw new FlowdeskError('request_not_found', `no request ${id}`);
    return { request, process: FAKE_PROCESS };
  }

  async listProcesses(actor: Requester, channel?: string): Promise<ProcessDef[]> {
    await this.enter('listProcesses', { actor, channel });
    return this.processes;
  }
}
