/**
 * `npm run bench` in miniature: every part runs (a few events each, a 4-intent CLINC150-like data
 * set, the fakes and load generators in-process) and the one printed JSON document has the shape
 * the README documents. Timings are not asserted (this machine is shared); what the bench counted
 * is: flowdesk answered every measured mention with a confirmation card, every webhook event was
 * accepted and every run's status message ended on its last state, every tracked run's status
 * message was edited after the poll.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { type BenchOptions, type BenchReport, main } from '../../src/bench/run';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:bench-run:${randomBytes(4).toString('hex')}:`;
let clincDir: string;

const INTENTS: Record<string, string[]> = {
  freeze_account: ['freeze my bank account', 'please lock my account now', 'block my card and account'],
  book_flight: ['book a flight to paris', 'i need a plane ticket to rome', 'find me a flight tomorrow'],
  weather: ['what is the weather today', 'will it rain tomorrow', 'how hot is it outside'],
  timer: ['set a timer for ten minutes', 'start a 5 minute timer', 'timer for one hour please'],
};

function writeJsonl(file: string, rows: object[]): void {
  writeFileSync(file, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
}

beforeAll(() => {
  clincDir = mkdtempSync(path.join(tmpdir(), 'flowdesk-bench-clinc-'));
  mkdirSync(clincDir, { recursive: true });
  const rows = Object.entries(INTENTS).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent })));
  writeJsonl(path.join(clincDir, 'train.jsonl'), rows);
  writeJsonl(path.join(clincDir, 'val.jsonl'), [
    { text: 'lock my bank account', intent: 'freeze_account' },
    { text: 'a flight to berlin please', intent: 'book_flight' },
  ]);
  writeJsonl(path.join(clincDir, 'oos_val.jsonl'), [{ text: 'sing me a song about cats', intent: null }]);
});

afterAll(() => {
  rmSync(clincDir, { recursive: true, force: true });
});

const TINY: Omit<BenchOptions, 'clinc150Dir'> = {
  overhead: { ratePerApp: 10, warmupSeconds: 0.6, measureSeconds: 1 },
  webhook: {
    runs: 4,
    eventsPerRun: 3,
    concurrency: 4,
    steadyRuns: 3,
    steadyEventsPerRun: 2,
    steadyRatePerSecond: 20,
  },
  memory: { runs: 40 },
  llmTokenSizes: [2, 4],
  isolated: false,
  keyPrefix,
  progress: () => {},
};

async function remainingKeys(): Promise<string[]> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return await redis.keys(`${keyPrefix}*`);
  } finally {
    redis.disconnect();
  }
}

it('prints one JSON document with every part of the benchmark', async () => {
  const written: string[] = [];
  await main({ ...TINY, clinc150Dir: clincDir }, (text) => written.push(text));

  expect(written).toHaveLength(1);
  const report = JSON.parse(written[0] as string) as BenchReport;

  expect(report.machine).toEqual(
    expect.objectContaining({ cpus: expect.any(Number), node: process.version }),
  );
  expect(report.duration_s).toBeGreaterThan(0);

  const overhead = report.bot_overhead;
  expect(overhead.flowdesk.measured).toBe(10);
  expect(overhead.flowdesk.answered).toBe(overhead.flowdesk.measured);
  expect(overhead.flowdesk.cards).toBe(overhead.flowdesk.measured);
  expect(overhead.flowdesk.http_errors).toBe(0);
  expect(overhead.bare_bolt.answered).toBe(overhead.bare_bolt.measured);
  for (const app of [overhead.flowdesk, overhead.bare_bolt]) {
    expect(app.n).toBe(app.answered);
    expect(app.p50_ms).toEqual(expect.any(Number));
    expect(app.p99_ms as number).toBeGreaterThanOrEqual(app.p50_ms as number);
  }
  expect(overhead.p50_ratio).toEqual(expect.any(Number));
  expect(overhead.target_p50_ratio).toBe(1.5);
  expect(typeof overhead.meets_target).toBe('boolean');

  const webhook = report.webhook;
  expect(webhook.throughput.events).toBe(12);
  expect(webhook.throughput.accepted).toBe(12);
  expect(webhook.throughput.runs_final_state_shown).toBe(4);
  expect(webhook.throughput.outcomes.applied).toBeGreaterThan(0);
  expect(webhook.steady.accepted).toBe(6);
  expect(webhook.steady.events_without_update).toBe(0);
  expect(webhook.steady.runs_final_state_shown).toBe(3);
  expect(webhook.events_per_s).toBeGreaterThan(0);
  expect(webhook.p99_event_to_update_ms).toEqual(expect.any(Number));
  expect(webhook.target_events_per_s).toBe(500);
  expect(webhook.notes.join(' ')).toContain('coalesces');

  expect(report.routing).toEqual(
    expect.objectContaining({ dataset: 'clinc150', processes: 4, cases: 3, k: 8 }),
  );
  expect(report.routing.in_scope_accuracy).toEqual(expect.any(Number));
  expect(report.llm_tokens.map((row) => row.processes)).toEqual([2, 4]);

  expect(report.memory.tracked_runs).toBe(40);
  expect(report.memory.status_messages_edited).toBe(40);
  expect(report.memory.rss_idle_mb).toBeGreaterThan(0);
  expect(report.memory.rss_tracked_runs_mb).toBeGreaterThan(0);

  expect(await remainingKeys()).toEqual([]);
}, 120_000);
