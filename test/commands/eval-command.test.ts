import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { predictedProcess, readEvalCases, runEval } from '../../src/commands/eval-command';
import { FlowdeskError } from '../../src/core/errors';
import type { RoutingDecision, Shortlister } from '../../src/core/ports';
import { createLocalRouter } from '../../src/core/routing/local-router';
import { buildRoutingIndex } from '../../src/core/routing/routing-index';
import type { ProcessCatalog, ProcessDef } from '../../src/core/types';
import {
  RESET_VPN,
  RESTART_SERVICE,
  SERVICE_DESK,
  UNLOCK_ACCOUNT,
} from '../core/routing/service-desk-catalog';
import { ScriptedRouter } from '../fakes/scripted-router';

function catalogOf(processes: readonly ProcessDef[]): ProcessCatalog {
  return {
    processes,
    byId: new Map(processes.map((process) => [process.id, process])),
    files: ['test.yaml'],
  };
}

const CATALOG = catalogOf([RESET_VPN, RESTART_SERVICE, UNLOCK_ACCOUNT]);

// Decisions scripted per text: 2 of 3 in-scope right, 1 in-scope wrongly rejected, 2 of 3 OOS rejected.
const SCRIPT: Record<string, RoutingDecision> = {
  'vpn broken': {
    kind: 'run',
    processId: 'reset-vpn',
    parameters: {},
    via: 'llm',
    usage: { promptTokens: 100, completionTokens: 5 },
  },
  'restart search': {
    kind: 'ask',
    question: 'Which environment?',
    processId: 'restart-service',
    via: 'llm',
    usage: { promptTokens: 300, completionTokens: 5 },
  },
  'locked out': { kind: 'out_of_scope', suggestions: ['unlock-account'], via: 'llm' },
  'weather?': { kind: 'out_of_scope', suggestions: [], via: 'llm' },
  'pizza?': { kind: 'ask', question: 'What do you mean?', via: 'llm' },
  'joke?': { kind: 'out_of_scope', suggestions: [], via: 'llm' },
};

// Shortlists the expected process for two of the three in-scope cases.
const shortlister: Shortlister = {
  shortlist: (text, candidates, k) =>
    candidates
      .filter(
        (process) =>
          (text === 'vpn broken' && process.id === 'reset-vpn') ||
          (text === 'locked out' && process.id === 'unlock-account'),
      )
      .slice(0, k)
      .map((process) => ({ process, score: 1 })),
};

describe('runEval', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'flowdesk-eval-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeCases(lines: string[]): string {
    const file = path.join(dir, 'cases.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  const cases = [
    '{"text": "vpn broken", "expect": "reset-vpn"}',
    '{"text": "restart search", "expect": "restart-service"}',
    '',
    '{"text": "locked out", "expect": "unlock-account"}',
    '{"text": "weather?", "expect": null}',
    '{"text": "pizza?", "expect": null}',
    '{"text": "joke?", "expect": null}',
  ];

  it('computes the SPEC §9 metrics and prints them as one JSON object', async () => {
    const router = new ScriptedRouter((input) => SCRIPT[input.text]);
    const printed: string[] = [];
    const report = await runEval({
      casesPath: writeCases(cases),
      catalog: CATALOG,
      router,
      shortlister,
      k: 2,
      json: true,
      print: (s) => printed.push(s),
    });
    expect(report).toMatchObject({
      cases: 6,
      in_scope_accuracy: 2 / 3,
      oos_recall: 2 / 3,
      oos_precision: 2 / 3,
      recall_at_k: 2 / 3,
      k: 2,
      mean_prompt_tokens: 200,
    });
    expect(report.p50_ms).toBeGreaterThanOrEqual(0);
    expect(report.p99_ms).toBeGreaterThanOrEqual(report.p50_ms!);
    expect(printed).toHaveLength(1);
    expect(JSON.parse(printed[0])).toEqual(report);
    expect(Object.keys(JSON.parse(printed[0])).sort()).toEqual(
      [
        'cases',
        'in_scope_accuracy',
        'k',
        'mean_prompt_tokens',
        'oos_precision',
        'oos_recall',
        'p50_ms',
        'p99_ms',
        'recall_at_k',
      ].sort(),
    );
    // Every case is a fresh message to the whole catalog.
    expect(router.inputs.map((input) => input.candidates)).toEqual(
      router.inputs.map(() => CATALOG.processes),
    );
    expect(router.inputs.every((input) => input.context === null && input.pending === undefined)).toBe(true);
  });

  it('prints a readable table with the misrouted cases otherwise', async () => {
    const printed: string[] = [];
    await runEval({
      casesPath: writeCases(cases),
      catalog: CATALOG,
      router: new ScriptedRouter((input) => SCRIPT[input.text]),
      shortlister,
      k: 2,
      json: false,
      print: (s) => printed.push(s),
    });
    const text = printed.join('\n');
    expect(text).toContain('in-scope accuracy');
    expect(text).toContain('66.7%');
    expect(text).toContain('shortlist recall@2');
    expect(text).toContain('"locked out"  expected unlock-account, got out of scope');
    expect(text).toContain('"pizza?"  expected out of scope, got a question');
  });

  it('routes warm-up cases first without counting them', async () => {
    const router = new ScriptedRouter((input) => SCRIPT[input.text]);
    const report = await runEval({
      casesPath: writeCases(cases),
      catalog: CATALOG,
      router,
      shortlister,
      k: 2,
      json: true,
      print: () => {},
      warmup: 2,
    });
    expect(router.inputs.map((input) => input.text).slice(0, 3)).toEqual([
      'vpn broken',
      'restart search',
      'vpn broken',
    ]);
    expect(router.inputs).toHaveLength(8);
    expect(report).toMatchObject({ cases: 6, in_scope_accuracy: 2 / 3 });
  });

  it('reports null metrics and tokens when there is nothing to measure them on', async () => {
    const report = await runEval({
      casesPath: writeCases(['{"text": "weather?", "expect": null}']),
      catalog: CATALOG,
      router: new ScriptedRouter(() => ({ kind: 'out_of_scope', suggestions: [], via: 'local' })),
      shortlister,
      k: 8,
      json: true,
      print: () => {},
    });
    expect(report).toMatchObject({
      in_scope_accuracy: null,
      recall_at_k: null,
      oos_recall: 1,
      oos_precision: 1,
      mean_prompt_tokens: null,
    });
  });

  it('evaluates the real local router and its index', async () => {
    const index = buildRoutingIndex(SERVICE_DESK);
    const report = await runEval({
      casesPath: writeCases([
        '{"text": "my vpn drops all the time", "expect": "reset-vpn"}',
        '{"text": "restart payments-api in staging", "expect": "restart-service"}',
        '{"text": "what is the weather in lisbon", "expect": null}',
      ]),
      catalog: catalogOf(SERVICE_DESK),
      router: createLocalRouter({ index }),
      shortlister: index,
      k: 3,
      json: true,
      print: () => {},
      requester: { id: 'U1', name: 'Ann', tz: 'Europe/Paris' },
    });
    expect(report).toMatchObject({
      cases: 3,
      in_scope_accuracy: 1,
      oos_recall: 1,
      oos_precision: 1,
      recall_at_k: 1,
    });
  });

  it.each([
    ['not JSON', ['{"text": "a", "expect": null}', 'nope'], 'cases.jsonl:2: not valid JSON'],
    ['no text', ['{"expect": null}'], 'cases.jsonl:1: expected'],
    ['a bad expect', ['{"text": "a", "expect": 3}'], 'cases.jsonl:1: "expect" must be'],
    [
      'an unknown process',
      ['{"text": "a", "expect": "make-coffee"}'],
      'cases.jsonl:1: unknown process id "make-coffee"',
    ],
    ['no case', [''], 'no cases'],
  ])('rejects a file with %s, naming the line', (_, lines, message) => {
    const file = writeCases(lines);
    expect(() => readEvalCases(file, CATALOG)).toThrow(FlowdeskError);
    expect(() => readEvalCases(file, CATALOG)).toThrow(message);
  });

  it('rejects a missing file with a clear message', () => {
    expect(() => readEvalCases(path.join(dir, 'missing.jsonl'), CATALOG)).toThrow('cannot read');
  });
});

describe('predictedProcess', () => {
  it('maps decisions to what they predict', () => {
    expect(predictedProcess({ kind: 'run', processId: 'a', parameters: {}, via: 'local' })).toBe('a');
    expect(predictedProcess({ kind: 'ask', question: '?', processId: 'b', via: 'llm' })).toBe('b');
    expect(predictedProcess({ kind: 'ask', question: '?', via: 'llm' })).toBeUndefined();
    expect(predictedProcess({ kind: 'out_of_scope', suggestions: [], via: 'local' })).toBeNull();
  });
});
