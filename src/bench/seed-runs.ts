/**
 * Requests whose flow runs flowdesk is following, written straight through the store, as if each
 * had been confirmed in Slack and submitted to Prefect: status `submitted`, the run indexed by its
 * id, in the followed set, and a status message already posted (so the notifier edits it).
 */
import { randomUUID } from 'node:crypto';
import { createRequestIds } from '../app/request-ids';
import type { Store } from '../core/ports';
import type { PrefectStateType, ProcessDef, RequestRecord } from '../core/types';

export interface SeedRunsOptions {
  count: number;
  process: ProcessDef;
  channel: string;
  /** Status message ts are `<tsSeconds>.<index>`: distinct per seeding. */
  tsSeconds: number;
  state: { type: PrefectStateType; name: string; timestamp: string };
  prefectUiUrl: string;
}

export interface SeededRun {
  requestId: string;
  flowRunId: string;
  flowRunName: string;
  channel: string;
  statusTs: string;
}

const BATCH = 250;

export async function seedFollowedRuns(store: Store, options: SeedRunsOptions): Promise<SeededRun[]> {
  const ids = createRequestIds();
  const seeded: SeededRun[] = [];
  for (let start = 0; start < options.count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, options.count - start) }, (_, offset) =>
      seedOne(store, options, ids.newRequestId(), start + offset),
    );
    seeded.push(...(await Promise.all(batch)));
  }
  return seeded;
}

async function seedOne(store: Store, options: SeedRunsOptions, requestId: string, index: number) {
  const flowRunId = randomUUID();
  const run: SeededRun = {
    requestId,
    flowRunId,
    flowRunName: `bench-run-${index}`,
    channel: options.channel,
    statusTs: `${options.tsSeconds}.${String(index).padStart(6, '0')}`,
  };
  const created = await store.createRequest(requestRecord(options, run, index));
  if (!created) throw new Error(`seeding: request ${requestId} already exists`);
  await store.indexRun(flowRunId, requestId);
  await store.addFollowed(requestId);
  return run;
}

function requestRecord(options: SeedRunsOptions, run: SeededRun, index: number): RequestRecord {
  const at = new Date(Date.parse(options.state.timestamp) - 60_000).toISOString();
  const user = `U0BENCH${String(index % 50).padStart(3, '0')}`;
  const threadTs = `${options.tsSeconds - 1}.${String(index).padStart(6, '0')}`;
  return {
    id: run.requestId,
    processId: options.process.id,
    parameters: { user_email: `${user.toLowerCase()}@example.com` },
    requester: {
      id: user,
      name: `Bench ${user}`,
      email: `${user.toLowerCase()}@example.com`,
      tz: 'Europe/Paris',
    },
    thread: { channel: options.channel, threadTs, isDm: false },
    status: 'submitted',
    version: 3,
    createdAt: at,
    updatedAt: at,
    approvals: [],
    confirmedBy: user,
    run: {
      flowRunId: run.flowRunId,
      flowRunName: run.flowRunName,
      deploymentId: '2b7e9f10-6c3a-4d8b-9e21-7f4a5c6d8e90',
      url: `${options.prefectUiUrl}/runs/flow-run/${run.flowRunId}`,
      state: options.state,
    },
    messages: {
      card: { channel: options.channel, ts: `${options.tsSeconds - 2}.${String(index).padStart(6, '0')}` },
      status: { channel: options.channel, ts: run.statusTs },
    },
  };
}
