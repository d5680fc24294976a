/**
 * Property-based fuzzing of `buildCatalog`: random text, mutations of the shipped process maps,
 * structured maps serialised with the `yaml` package (valid ones must load and round-trip, broken
 * ones must be refused), and documents built to exhaust the parser. It never throws; it returns
 * either a catalog or problems (never both), each problem naming an input file, a line inside it and
 * a non-empty message; and it finishes in bounded time.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { buildCatalog, type MapProblem } from '../../src/core/process-map/build-catalog';

const SEED = 20_261_125;
const MAPS_DIR = path.resolve(__dirname, '../../process-maps');
const SHIPPED = fs
  .readdirSync(MAPS_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => ({
    path: `process-maps/${name}`,
    text: fs.readFileSync(path.join(MAPS_DIR, name), 'utf8'),
  }));

type MapFile = { path: string; text: string };
type CatalogResult = ReturnType<typeof buildCatalog>;

/** Lines as an editor counts them (any of \r\n, \r, \n ends a line). */
function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** buildCatalog, with a throw reported as such, and the contract every answer must keep. */
function checkedBuild(files: MapFile[]): CatalogResult {
  let result: CatalogResult;
  try {
    result = buildCatalog(files);
  } catch (error) {
    throw new Error(`buildCatalog threw ${error instanceof Error ? error.stack : String(error)}`);
  }
  expect(result.catalog === null).toBe(result.problems.length > 0);
  for (const problem of result.problems) expectClearProblem(problem, files);
  if (result.catalog) {
    const ids = result.catalog.processes.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(result.catalog.byId.size).toBe(ids.length);
    expect(result.catalog.files).toEqual(files.map((f) => f.path));
    for (const process of result.catalog.processes) {
      const file = files.find((f) => f.path === process.source.file);
      expect(file).toBeDefined();
      expect(process.source.line).toBeGreaterThanOrEqual(1);
      expect(process.source.line).toBeLessThanOrEqual(lineCount(file!.text));
    }
  }
  return result;
}

function expectClearProblem(problem: MapProblem, files: MapFile[]): void {
  const file = files.find((f) => f.path === problem.file);
  if (!file) throw new Error(`problem names a file that was not given: ${JSON.stringify(problem)}`);
  if (!Number.isInteger(problem.line) || problem.line < 1 || problem.line > lineCount(file.text) + 1) {
    throw new Error(
      `problem line ${problem.line} is outside ${file.path} (${lineCount(file.text)} lines): ${problem.message}`,
    );
  }
  expect(typeof problem.message).toBe('string');
  expect(problem.message.trim()).not.toBe('');
  expect(problem.message).not.toMatch(/\[object Object\]|^undefined|: undefined$/);
}

// ------------------------------------------------------------------ random text

const YAML_TOKENS = [
  'version: 1\n',
  'processes:\n',
  '  - id: a\n',
  '    title: T\n',
  '    description: D\n',
  '    deployment: f/d\n',
  '    examples: [x]\n',
  '    aliases: ["run {x}"]\n',
  '    parameters:\n',
  '      x: {type: string}\n',
  '    approval: {approvers: {users: [U01]}, min_approvals: 2}\n',
  '\t',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\r',
  ':',
  ': ',
  '- ',
  '? ',
  '&a ',
  '*a',
  '<<: *a\n',
  '!!binary ',
  '!!js/function ',
  '!custom ',
  '!<tag:x> ',
  '%YAML 1.2\n',
  '%TAG ! tag:x:\n',
  '---\n',
  '...\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#',
  '|',
  '>-',
  '@',
  '`',
  '\\',
  '\u0000',
  '\ufeff',
  '\u2028',
  '1e999',
  '123456789012345678901234567890',
  '0x1F',
  '.nan',
  '~',
  'null',
];

const yamlishText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((tokens) => tokens.join('')),
  fc
    .array(fc.oneof(fc.constantFrom(...YAML_TOKENS), fc.string({ maxLength: 8 })), { maxLength: 60 })
    .map((tokens) => tokens.join('')),
);

// ------------------------------------------------------------------ mutations of the shipped maps

type LineMutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'swap-values'; at: number; other: number }
  | { kind: 'insert'; at: number; column: number; token: string }
  | { kind: 'replace-value'; at: number; value: string }
  | { kind: 'anchor-alias'; at: number; other: number }
  | { kind: 'tab-indent'; at: number };

const HUGE_OR_ODD_VALUES = [
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '9007199254740993',
  '0x7fffffffffffffff',
  '0o777',
  '.inf',
  '-.nan',
  '~',
  'null',
  'yes',
  '""',
  "''",
  '[]',
  '{}',
  '!!binary aGVsbG8=',
  '!!js/function "function () {}"',
  '*nowhere',
  '&anchor',
  '"{{requester.password}}"',
  '"requested-by:U0FORGED"',
];

const lineMutation: fc.Arbitrary<LineMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-values' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    column: fc.nat(),
    token: fc.oneof(fc.constantFrom(...YAML_TOKENS), fc.string({ unit: 'binary', maxLength: 6 })),
  }),
  fc.record({
    kind: fc.constant('replace-value' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...HUGE_OR_ODD_VALUES), fc.string({ maxLength: 20 })),
  }),
  fc.record({ kind: fc.constant('anchor-alias' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('tab-indent' as const), at: fc.nat() }),
);

/** `key: value` → [key part with the colon, value]; undefined for lines without a value. */
function splitValue(line: string): [string, string] | undefined {
  const match = /^(\s*(?:- )?[^:#]+:)\s+(\S.*)$/.exec(line);
  return match ? [match[1]!, match[2]!] : undefined;
}

function mutateLines(text: string, mutations: LineMutation[]): string {
  const lines = text.split('\n');
  for (const m of mutations) {
    const i = m.at % lines.length;
    switch (m.kind) {
      case 'delete':
        lines.splice(i, 1);
        break;
      case 'duplicate':
        lines.splice(i, 0, lines[i]!);
        break;
      case 'swap-values': {
        const j = m.other % lines.length;
        const [a, b] = [splitValue(lines[i]!), splitValue(lines[j]!)];
        if (a && b) {
          lines[i] = `${a[0]} ${b[1]}`;
          lines[j] = `${b[0]} ${a[1]}`;
        }
        break;
      }
      case 'insert': {
        const line = lines[i]!;
        const column = m.column % (line.length + 1);
        lines[i] = line.slice(0, column) + m.token + line.slice(column);
        break;
      }
      case 'replace-value': {
        const parts = splitValue(lines[i]!);
        if (parts) lines[i] = `${parts[0]} ${m.value}`;
        break;
      }
      case 'anchor-alias': {
        const j = m.other % lines.length;
        const [a, b] = [splitValue(lines[i]!), splitValue(lines[j]!)];
        if (a && b) {
          lines[i] = `${a[0]} &fz ${a[1]}`;
          lines[j] = `${b[0]} *fz`;
        }
        break;
      }
      case 'tab-indent':
        lines[i] = lines[i]!.replace(/^ +/, '\t');
        break;
    }
    if (lines.length === 0) lines.push('');
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ structured maps

const nonBlank = (maxLength: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength }).filter((s) => s.trim() !== '');

const processId = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/);
const deploymentPart = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._ -]{0,12}[a-z0-9])?$/);
const parameterName = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/) },
  // Valid Python argument names that are also special in JavaScript objects. (`__proto__` is left
  // out: zod drops that key from records, so such a parameter is silently ignored; see the report.)
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'),
);
const slackUser = fc.stringMatching(/^U[A-Z0-9]{2,10}$/);
const slackGroup = fc.stringMatching(/^S[A-Z0-9]{2,10}$/);
const slackChannel = fc.stringMatching(/^[CGD][A-Z0-9]{2,10}$/);

/** JSON Schema fragments whose default fits them. */
const fragment: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    {
      type: fc.constant('string'),
      description: nonBlank(40),
      default: fc.oneof(
        fc.string({ maxLength: 30 }).filter((s) => !s.includes('{{')),
        fc.constantFrom('{{requester.email}}', '{{ requester.name }}', '{{channel.id}}'),
      ),
      required: fc.boolean(),
    },
    { requiredKeys: ['type'] },
  ),
  fc
    .tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), fc.nat())
    .map(([minimum, span, offset]) => ({
      type: 'integer',
      minimum,
      maximum: minimum + span,
      default: minimum + (offset % (span + 1)),
    })),
  fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }).chain((values) =>
    fc.record({
      type: fc.constant('string'),
      enum: fc.constant(values),
      default: fc.constantFrom(...values),
    }),
  ),
  fc.record({ type: fc.constant('boolean'), default: fc.boolean() }),
);

const DURATION_UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const approval = fc
  .record({
    users: fc.uniqueArray(slackUser, { minLength: 1, maxLength: 4 }),
    usergroups: fc.uniqueArray(slackGroup, { maxLength: 2 }),
    wanted: fc.nat(),
    self_approval: fc.boolean(),
    amount: fc.integer({ min: 1, max: 999_999 }),
    unit: fc.constantFrom('m', 'h', 'd', 'w') as fc.Arbitrary<keyof typeof DURATION_UNITS_MS>,
  })
  .map(({ users, usergroups, wanted, self_approval, amount, unit }) => ({
    approvers: { users, usergroups },
    min_approvals: 1 + (wanted % users.length),
    self_approval,
    expires_after: `${amount}${unit}`,
  }));

const access = fc
  .record(
    {
      users: fc.uniqueArray(slackUser, { minLength: 1, maxLength: 3 }),
      usergroups: fc.uniqueArray(slackGroup, { minLength: 1, maxLength: 3 }),
      channels: fc.uniqueArray(slackChannel, { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .filter((a) => Object.keys(a).length > 0);

const validProcess = fc
  .record(
    {
      id: processId,
      title: nonBlank(60),
      description: nonBlank(200),
      deployment: fc.tuple(deploymentPart, deploymentPart).map(([flow, name]) => `${flow}/${name}`),
      examples: fc.array(nonBlank(80), { minLength: 1, maxLength: 4 }),
      parameters: fc.dictionary(parameterName, fragment, { maxKeys: 3 }),
      access,
      approval,
      confirm: fc.boolean(),
      tags: fc.array(
        nonBlank(20).filter((t) => !t.trim().startsWith('requested-by:')),
        { maxLength: 3 },
      ),
      results: fc.record(
        { keys: fc.array(nonBlank(20), { maxLength: 3 }), upload: fc.boolean(), summary: nonBlank(60) },
        { requiredKeys: [] },
      ),
      withAliases: fc.boolean(),
    },
    { requiredKeys: ['id', 'title', 'description', 'deployment', 'examples', 'withAliases'] },
  )
  .map(({ withAliases, ...process }) => {
    // Aliases start with the process id, so two processes never read the same.
    const names = Object.keys(process.parameters ?? {});
    const aliases = [`run ${process.id}`, ...names.slice(0, 2).map((name) => `${process.id} with {${name}}`)];
    return withAliases ? { ...process, aliases } : process;
  });

type ProcessEntry = Record<string, unknown> & { id: string };

/** 1–4 processes with distinct ids, spread over one or two files. */
const validMapFiles = fc
  .record({
    processes: fc.uniqueArray(validProcess, { minLength: 1, maxLength: 4, selector: (p) => p.id }),
    split: fc.nat(),
  })
  .map(({ processes, split }) => {
    const cut = 1 + (split % processes.length);
    const groups = [processes.slice(0, cut), processes.slice(cut)].filter((g) => g.length > 0);
    return {
      processes: processes as ProcessEntry[],
      files: groups.map((group, i) => ({
        path: `maps/fuzz-${i}.yaml`,
        text: stringify({ version: 1, processes: group }),
      })),
    };
  });

/** Changes that always make a map invalid, with what the problem must mention. */
type Breakage =
  | { kind: 'drop-required'; field: 'id' | 'title' | 'description' | 'deployment' | 'examples' }
  | {
      kind: 'wrong-type';
      field: 'title' | 'description' | 'deployment' | 'examples' | 'confirm';
      value: unknown;
    }
  | { kind: 'unknown-field'; name: string }
  | { kind: 'bad-id'; value: string }
  | { kind: 'bad-version'; value: unknown }
  | { kind: 'empty-examples' }
  | { kind: 'reserved-tag' }
  | { kind: 'too-many-approvals' }
  | { kind: 'bad-duration'; value: string }
  | { kind: 'undeclared-alias-parameter' }
  | { kind: 'duplicate-id' };

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({
    kind: fc.constant('drop-required' as const),
    field: fc.constantFrom('id', 'title', 'description', 'deployment', 'examples'),
  }),
  fc.record({
    kind: fc.constant('wrong-type' as const),
    field: fc.constantFrom('title', 'description', 'deployment', 'examples', 'confirm'),
    value: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.dictionary(fc.string(), fc.string(), { minKeys: 1 }),
    ),
  }),
  fc.record({
    kind: fc.constant('unknown-field' as const),
    name: fc.constantFrom('titel', 'descripton', 'deploy', 'min_aprovals', 'acess', 'unknwn_field', 'Tags'),
  }),
  fc.record({
    kind: fc.constant('bad-id' as const),
    value: fc.constantFrom('Bad Id', '1abc', '', '-x', 'a'.repeat(64)),
  }),
  fc.record({ kind: fc.constant('bad-version' as const), value: fc.constantFrom(2, 0, '1', null, 1.5, [1]) }),
  fc.constant({ kind: 'empty-examples' as const }),
  fc.constant({ kind: 'reserved-tag' as const }),
  fc.constant({ kind: 'too-many-approvals' as const }),
  fc.record({
    kind: fc.constant('bad-duration' as const),
    value: fc.constantFrom('1.5h', '90', '0m', '24 h', '1y', ''),
  }),
  fc.constant({ kind: 'undeclared-alias-parameter' as const }),
  fc.constant({ kind: 'duplicate-id' as const }),
);

/** The first process of a one-file map, broken; `mentions` is what some problem must say. */
function breakMap(
  processes: ProcessEntry[],
  b: Breakage,
): { document: Record<string, unknown>; mentions: RegExp } {
  const document: Record<string, unknown> = { version: 1, processes: structuredClone(processes) };
  const first = (document.processes as ProcessEntry[])[0]!;
  switch (b.kind) {
    case 'drop-required':
      delete first[b.field];
      return { document, mentions: new RegExp(`${b.field}: is required`) };
    case 'wrong-type':
      first[b.field] = b.value;
      return { document, mentions: new RegExp(`processes\\[0\\]\\.${b.field}`) };
    case 'unknown-field':
      first[b.name] = 'x';
      return { document, mentions: new RegExp(`unknown field "${b.name}"`) };
    case 'bad-id':
      first.id = b.value;
      return { document, mentions: /processes\[0\]\.id/ };
    case 'bad-version':
      document.version = b.value;
      return { document, mentions: /version/ };
    case 'empty-examples':
      first.examples = [];
      return { document, mentions: /examples/ };
    case 'reserved-tag':
      first.tags = ['requested-by:U0FORGED'];
      return { document, mentions: /requested-by:/ };
    case 'too-many-approvals':
      first.approval = { approvers: { users: ['U0LEAD01'] }, min_approvals: 2 };
      return { document, mentions: /min_approvals/ };
    case 'bad-duration':
      first.approval = { approvers: { users: ['U0LEAD01'] }, expires_after: b.value };
      return { document, mentions: /expires_after/ };
    case 'undeclared-alias-parameter':
      first.aliases = [`${first.id} for {not_declared_anywhere}`];
      return { document, mentions: /not_declared_anywhere/ };
    case 'duplicate-id':
      (document.processes as ProcessEntry[]).push({ ...first });
      return { document, mentions: /duplicate process id/ };
  }
}

/** The line where `key:` is written (first occurrence), 1-based. */
function lineOfKey(text: string, key: string): number {
  return text.split('\n').findIndex((line) => new RegExp(`^\\s*(?:- )?${key}:`).test(line)) + 1;
}

// ------------------------------------------------------------------ properties

describe('buildCatalog under fuzzing', () => {
  it('loads the shipped maps (the baseline the mutations start from)', () => {
    const { catalog } = checkedBuild(SHIPPED);
    expect(catalog?.processes.length).toBeGreaterThan(5);
  });

  it('never throws on random YAML-ish text, and answers a catalog or clear problems', () => {
    fc.assert(
      fc.property(yamlishText, (text) => {
        checkedBuild([{ path: 'maps/random.yaml', text }]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws on mutations of the shipped maps (deleted lines, swapped values, tabs, anchors, tags, huge numbers)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SHIPPED),
        fc.array(lineMutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (map, mutations, withOthers) => {
          const mutated = { path: `${map.path}.mutated`, text: mutateLines(map.text, mutations) };
          // With the other shipped maps loaded too, surviving ids collide across files.
          checkedBuild(withOthers ? [...SHIPPED, mutated] : [mutated]);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('loads every valid structured map and keeps what it says (round trip through the yaml package)', () => {
    fc.assert(
      fc.property(validMapFiles, ({ processes, files }) => {
        const { catalog, problems } = checkedBuild(files);
        if (!catalog) throw new Error(`a valid map was refused: ${JSON.stringify(problems)}`);
        expect(catalog.processes.map((p) => p.id)).toEqual(processes.map((p) => p.id));
        processes.forEach((input, index) => {
          const loaded = catalog.processes[index]!;
          expect(loaded.title).toBe(String(input.title).trim());
          expect(loaded.description).toBe(String(input.description).trim());
          expect(loaded.deployment).toBe(input.deployment);
          expect(loaded.examples).toEqual((input.examples as string[]).map((e) => e.trim()));
          expect(loaded.aliases).toEqual(input.aliases ?? []);
          expect(loaded.confirm).toBe(input.confirm ?? true);
          expect(loaded.tags).toEqual(((input.tags as string[] | undefined) ?? []).map((t) => t.trim()));
          const parameters = (input.parameters ?? {}) as Record<string, Record<string, unknown>>;
          expect(Object.keys(loaded.parameters).sort()).toEqual(Object.keys(parameters).sort());
          expect(loaded.required.sort()).toEqual(
            Object.keys(parameters)
              .filter((name) => parameters[name]!.required === true)
              .sort(),
          );
          const approvalIn = input.approval as { min_approvals: number; expires_after: string } | undefined;
          if (approvalIn) {
            const unit = approvalIn.expires_after.slice(-1) as keyof typeof DURATION_UNITS_MS;
            expect(loaded.approval?.minApprovals).toBe(approvalIn.min_approvals);
            expect(loaded.approval?.expiresAfterMs).toBe(
              Number(approvalIn.expires_after.slice(0, -1)) * DURATION_UNITS_MS[unit],
            );
          } else {
            expect(loaded.approval).toBeUndefined();
          }
          expect(loaded.access).toEqual(input.access);
          // The source line is where the entry starts: the `- id:` line yaml wrote.
          const file = files.find((f) => f.path === loaded.source.file)!;
          expect(file.text.split('\n')[loaded.source.line - 1]).toMatch(/^\s*- id: /);
        });
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('refuses a structured map with one definite mistake, naming it on the right line', () => {
    fc.assert(
      fc.property(validMapFiles, breakage, ({ processes }, b) => {
        const { document, mentions } = breakMap(processes, b);
        const text = stringify(document);
        const { catalog, problems } = checkedBuild([{ path: 'maps/broken.yaml', text }]);
        expect(catalog).toBeNull();
        const matching = problems.filter((p) => mentions.test(p.message));
        if (matching.length === 0) {
          throw new Error(`no problem mentions ${mentions}: ${JSON.stringify(problems)}`);
        }
        if (b.kind === 'unknown-field') expect(matching[0]!.line).toBe(lineOfKey(text, b.name));
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('survives arbitrary values anywhere in a structured map', () => {
    const anyValue = fc.jsonValue({ maxDepth: 2 });
    const looseProcess = fc.dictionary(
      fc.oneof(
        fc.constantFrom('id', 'title', 'description', 'deployment', 'examples', 'aliases', 'parameters'),
        fc.constantFrom('access', 'approval', 'confirm', 'tags', 'results', '__proto__', 'constructor'),
        fc.string({ maxLength: 10 }),
      ),
      anyValue,
      { maxKeys: 8 },
    );
    const looseMap = fc.record(
      {
        version: fc.oneof(fc.constant(1), anyValue),
        processes: fc.oneof(fc.array(fc.oneof(looseProcess, validProcess), { maxLength: 3 }), anyValue),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(looseMap, (document) => {
        checkedBuild([{ path: 'maps/loose.yaml', text: stringify(document) }]);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('refuses alias bombs ("billion laughs") quickly, wherever the bomb is used', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 3, max: 14 }),
        fc.constantFrom('processes', 'title', 'examples'),
        (width, depth, where) => {
          const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
          for (let level = 1; level <= depth; level += 1) {
            lines.push(
              `l${level}: &l${level} [${Array(width)
                .fill(`*l${level - 1}`)
                .join(', ')}]`,
            );
          }
          const bomb = `l${depth}`;
          const body =
            where === 'processes'
              ? `version: 1\nprocesses: *${bomb}\n`
              : `version: 1\nprocesses:\n  - id: a\n    title: ${where === 'title' ? `*${bomb}` : 'T'}\n    description: D\n    deployment: f/d\n    examples: ${where === 'examples' ? `*${bomb}` : '[x]'}\n`;
          const text = `${lines.join('\n')}\n${body}`;
          const started = Date.now();
          const { catalog } = checkedBuild([{ path: 'maps/bomb.yaml', text }]);
          expect(Date.now() - started).toBeLessThan(2000);
          // Unknown top-level keys (l0…) make it invalid anyway; the point is that it answers.
          expect(catalog).toBeNull();
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('validates a parameter default against a backtracking-prone pattern in bounded time (ReDoS)', () => {
    // `^(a+)+$` against "aaa…a!" backtracks exponentially in a backtracking regex engine: a map
    // with such a pattern and default must not freeze flowdesk at start or on /flowdesk reload.
    const text = [
      'version: 1',
      'processes:',
      '  - id: p',
      '    title: T',
      '    description: D',
      '    deployment: f/d',
      '    examples: [x]',
      '    parameters:',
      '      code:',
      '        type: string',
      '        pattern: "^(a+)+$"',
      `        default: "${'a'.repeat(25)}!"`,
    ].join('\n');
    const started = Date.now();
    const { problems } = checkedBuild([{ path: 'maps/redos.yaml', text }]);
    const elapsed = Date.now() - started;
    expect(problems.map((p) => p.line)).toEqual([12]);
    // About 2–3 s on a loaded 2-core machine today; a linear-time check takes milliseconds.
    expect(elapsed).toBeLessThan(500);
  });
});
