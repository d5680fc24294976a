import fs from 'node:fs';
import path from 'node:path';
import {
  buildCatalog,
  formatProblem,
  type MapProblem,
  parseDuration,
  tryParseDuration,
} from '../../../src/core/process-map/build-catalog';
import { BAD_FIXTURES, FIXTURES_DIR } from './fixture-expectations';

function fixture(name: string): { path: string; text: string } {
  return { path: name, text: fs.readFileSync(path.join(FIXTURES_DIR, name), 'utf8') };
}

function formatted(problems: MapProblem[]): string[] {
  return problems.map(formatProblem);
}

/** A valid one-process map whose lines 8+ are `extra` (indented as process fields). */
function mapWith(extra: string): string {
  return [
    'version: 1',
    'processes:',
    '  - id: p',
    '    title: T',
    '    description: D',
    '    deployment: f/d',
    '    examples: [x]',
    extra,
  ].join('\n');
}

function problemsOf(text: string, file = 'm.yaml'): string[] {
  const result = buildCatalog([{ path: file, text }]);
  return formatted(result.problems);
}

describe('buildCatalog with the valid fixture', () => {
  const { catalog, problems } = buildCatalog([fixture('valid.yaml')]);

  it('returns a catalog and no problems', () => {
    expect(problems).toEqual([]);
    expect(catalog?.processes.map((p) => p.id)).toEqual(['reset-vpn', 'restart-service']);
    expect(catalog?.files).toEqual(['valid.yaml']);
    expect(catalog?.byId.get('restart-service')?.title).toBe('Restart a service');
  });

  it('records where each process is defined', () => {
    expect(catalog?.byId.get('reset-vpn')?.source).toEqual({ file: 'valid.yaml', line: 4 });
    expect(catalog?.byId.get('restart-service')?.source).toEqual({ file: 'valid.yaml', line: 24 });
  });

  it('applies the documented defaults', () => {
    const vpn = catalog!.byId.get('reset-vpn')!;
    expect(vpn.confirm).toBe(true);
    expect(vpn.approval).toBeUndefined();
    expect(vpn.results).toBeUndefined();
    expect(vpn.required).toEqual([]);
    expect(vpn.access).toEqual({ usergroups: ['S0456EFGH'], channels: ['C0789IJKL'] });
    expect(vpn.parameters.user_email).toEqual({
      type: 'string',
      format: 'email',
      description: 'Email of the person whose VPN profile is reset',
      default: '{{requester.email}}',
    });
  });

  it('converts approval, results and the required extension', () => {
    const restart = catalog!.byId.get('restart-service')!;
    expect(restart.approval).toEqual({
      approvers: { users: ['U0123ABCD'], usergroups: ['S0LEADS01'] },
      minApprovals: 1,
      selfApproval: false,
      expiresAfterMs: 4 * 3_600_000,
    });
    expect(restart.confirm).toBe(false);
    expect(restart.results).toEqual({
      keys: ['pods_restarted'],
      upload: true,
      summary: '{{parameters.service}} restarted',
    });
    expect(restart.required).toEqual(['service']);
    expect(restart.parameters.service).toEqual({ type: 'string', enum: ['payments-api', 'search'] });
    expect(restart.aliases).toEqual(['restart {service} in {environment}']);
  });
});

describe('buildCatalog with the bad fixtures', () => {
  it.each(BAD_FIXTURES)('$file gives file:line: message and no catalog', ({ file, problems }) => {
    const result = buildCatalog([fixture(file)]);
    expect(result.catalog).toBeNull();
    expect(formatted(result.problems)).toEqual(problems.map((p) => `${file}:${p}`));
  });

  it('names both files and lines for a duplicate id', () => {
    const result = buildCatalog([fixture('duplicate/a.yaml'), fixture('duplicate/b.yaml')]);
    expect(result.catalog).toBeNull();
    expect(formatted(result.problems)).toEqual([
      'duplicate/a.yaml:3: duplicate process id "reset-vpn" (also defined at duplicate/b.yaml:9)',
      'duplicate/b.yaml:9: duplicate process id "reset-vpn" (also defined at duplicate/a.yaml:3)',
    ]);
  });

  it('returns no catalog when one file of several is bad', () => {
    const result = buildCatalog([fixture('valid.yaml'), fixture('bad-id.yaml')]);
    expect(result.catalog).toBeNull();
    expect(result.problems.map((p) => p.file)).toEqual(['bad-id.yaml']);
  });
});

describe('buildCatalog: YAML safety and syntax', () => {
  it.each([
    ['a custom tag', mapWith('    tags: [!custom x]'), 'm.yaml:8: YAML tag "!custom" is not allowed'],
    ['!!binary', mapWith('    confirm: !!binary aGk='), 'm.yaml:8: YAML tag "!!binary" is not allowed'],
    ['a duplicate key', mapWith('    title: Again'), 'm.yaml:8: duplicate key "title" in the same mapping'],
    [
      'two documents',
      `${mapWith('')}\n---\nversion: 1\n`,
      'm.yaml:9: YAML syntax error: Source contains multiple documents',
    ],
    ['a collection as a key', mapWith('    ? [a, b]\n    : 1'), 'm.yaml:8: mapping keys must be plain text'],
  ])('rejects %s', (_, text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected)).toBe(true);
  });

  it('accepts the core tags', () => {
    expect(problemsOf(mapWith('    tags: [!!str 2025]'))).toEqual([]);
  });

  it('refuses an alias bomb without hanging', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    const problems = problemsOf(bomb);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^m\.yaml:1: YAML could not be read: .*alias/i);
  });
});

describe('buildCatalog: schema errors carry the field and its line', () => {
  it.each([
    ['a list at the top', '- a\n- b\n', 'm.yaml:1: must be a mapping (key: value) (got a list)'],
    ['version 2', mapWith('').replace('version: 1', 'version: 2'), 'm.yaml:1: version: must be 1'],
    ['no processes', 'version: 1\nprocesses: []\n', 'm.yaml:2: processes: must list at least one process'],
    [
      'an empty title',
      mapWith('').replace('title: T', 'title:'),
      'm.yaml:4: processes[0].title: must be text (got nothing)',
    ],
    [
      'examples as text',
      mapWith('').replace('examples: [x]', 'examples: x'),
      'm.yaml:7: processes[0].examples: must be a list',
    ],
    [
      'no examples',
      mapWith('').replace('examples: [x]', 'examples: []'),
      'm.yaml:7: processes[0].examples: needs at least one',
    ],
    [
      'a bad deployment',
      mapWith('').replace('f/d', 'reset-vpn'),
      'm.yaml:6: processes[0].deployment: must be "<flow name>/<deployment name>"',
    ],
    [
      'a user name in access',
      mapWith('    access:\n      users: ["@alice"]'),
      'm.yaml:9: processes[0].access.users[0]: must be a Slack user id',
    ],
    [
      'an empty access',
      mapWith('    access: {}'),
      'm.yaml:8: processes[0].access: lists no users, user groups or channels',
    ],
    [
      'no approver',
      mapWith('    approval:\n      approvers: {}'),
      'm.yaml:9: processes[0].approval.approvers: needs at least one approver user or usergroup',
    ],
    [
      'more approvals than approvers',
      mapWith('    approval:\n      approvers: {users: [U1AAA]}\n      min_approvals: 2'),
      'm.yaml:10: processes[0].approval.min_approvals: is 2 but only 1 approver user(s) are listed',
    ],
    [
      'a reserved tag',
      mapWith('    tags: [it, "requested-by:U1"]'),
      'm.yaml:8: processes[0].tags[1]: must not start with "requested-by:"',
    ],
    [
      'a bad parameter name',
      mapWith('    parameters:\n      user email: {type: string}'),
      'm.yaml:9: processes[0].parameters.user email: is not a valid parameter name',
    ],
    [
      'a parameter that is not a mapping',
      mapWith('    parameters:\n      x: string'),
      'm.yaml:9: processes[0].parameters.x: must be a mapping (key: value) (got "string")',
    ],
    [
      'an unknown process field',
      mapWith('    colour: blue'),
      'm.yaml:8: processes[0]: unknown field "colour" (allowed: id, title,',
    ],
    [
      'an unknown top-level field',
      `${mapWith('')}\nextra: 1`,
      'm.yaml:9: unknown field "extra" (allowed: version, processes)',
    ],
  ])('%s', (_, text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected)).toBe(true);
  });

  it('reports every schema problem of a file at once, in line order', () => {
    const text = mapWith('    confirm: maybe\n    tags: [""]').replace('title: T', 'title: 7');
    expect(problemsOf(text)).toEqual([
      'm.yaml:4: processes[0].title: must be text (got 7)',
      'm.yaml:8: processes[0].confirm: must be true or false (got "maybe")',
      'm.yaml:9: processes[0].tags[0]: must not be empty',
    ]);
  });
});

describe('buildCatalog: parameters', () => {
  const params = (lines: string) => mapWith(`    parameters:\n${lines}`);

  it.each([
    [
      'an unknown keyword',
      '      x:\n        type: string\n        descripton: typo',
      'm.yaml:11: processes[0].parameters.x.descripton: unknown JSON Schema keyword "descripton"',
    ],
    [
      'an unknown format',
      '      x:\n        type: string\n        format: emial',
      'm.yaml:11: processes[0].parameters.x.format: unknown format "emial"',
    ],
    [
      'an unknown type',
      '      x:\n        type: strin',
      'm.yaml:10: processes[0].parameters.x.type: not valid JSON Schema: must be one of "array", "boolean"',
    ],
    [
      'a default outside the enum',
      '      x:\n        enum: [a, b]\n        default: c',
      'm.yaml:11: processes[0].parameters.x.default: "c" does not fit the parameter\'s schema: must be one of "a", "b"',
    ],
    [
      'an unknown template',
      '      x:\n        type: string\n        default: "{{requester.password}}"',
      'm.yaml:11: processes[0].parameters.x.default: unknown template {{requester.password}}',
    ],
    [
      'a non-boolean required',
      '      x:\n        type: string\n        required: "yes"',
      'm.yaml:11: processes[0].parameters.x.required: must be true or false',
    ],
  ])('rejects %s', (_, lines, expected) => {
    const problems = problemsOf(params(lines));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected)).toBe(true);
  });

  it('accepts known templates, JSON Schema required arrays and narrowing keywords', () => {
    const { catalog, problems } = buildCatalog([
      {
        path: 'm.yaml',
        text: params(
          [
            '      who: {type: string, default: "{{ requester.email }}", required: true}',
            '      window: {type: object, required: [start], properties: {start: {type: string, format: date}}}',
            '      n: {type: integer, minimum: 1, maximum: 10, default: 3, required: false}',
          ].join('\n'),
        ),
      },
    ]);
    expect(problems).toEqual([]);
    const process = catalog!.byId.get('p')!;
    expect(process.required).toEqual(['who']);
    expect(process.parameters.window.required).toEqual(['start']);
    expect(process.parameters.n).toEqual({ type: 'integer', minimum: 1, maximum: 10, default: 3 });
  });
});

describe('buildCatalog: patterns that could hang a backtracking regex (ReDoS)', () => {
  const params = (lines: string) => mapWith(`    parameters:\n${lines}`);

  it.each([
    ['^(a+)+$', 'nested quantifier'],
    ['(a|aa)+', 'nested quantifier'],
    ['(.*a){2,}', 'nested quantifier'],
    ['^(a)\\1$', 'backreference'],
  ])('rejects %j on its own line, naming the parameter and the reason', (pattern, reason) => {
    // Single-quoted YAML keeps backslashes as written.
    const problems = problemsOf(params(`      code:\n        type: string\n        pattern: '${pattern}'`));
    expect(problems).toEqual([
      `m.yaml:11: processes[0].parameters.code: pattern ${JSON.stringify(pattern)} may take exponential time (${reason}); simplify it`,
    ]);
  });

  it('places the problem on the default it stopped from being checked, quickly', () => {
    const started = Date.now();
    const problems = problemsOf(
      params(
        `      code:\n        type: string\n        pattern: "^(a+)+$"\n        default: "${'a'.repeat(24)}!"`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(500);
    expect(problems).toEqual([
      'm.yaml:12: processes[0].parameters.code: pattern "^(a+)+$" may take exponential time (nested quantifier); simplify it (so the default was not checked)',
    ]);
  });

  it('finds unsafe patterns nested in items and patternProperties', () => {
    const problems = problemsOf(
      params(
        [
          '      hosts:',
          '        type: array',
          '        items: {type: string, pattern: "^([a-z]+)*$"}',
          '      labels:',
          '        type: object',
          '        patternProperties:',
          '          "^(x+)+$": {type: string}',
        ].join('\n'),
      ),
    );
    expect(problems).toEqual([
      'm.yaml:11: processes[0].parameters.hosts.items: pattern "^([a-z]+)*$" may take exponential time (nested quantifier); simplify it',
      'm.yaml:15: processes[0].parameters.labels: patternProperties name "^(x+)+$" may take exponential time (nested quantifier); simplify it',
    ]);
  });

  it('rejects a pattern over 500 characters and keeps the message short', () => {
    const long = `^${'[a-z]'.repeat(101)}$`;
    const problems = problemsOf(params(`      code:\n        type: string\n        pattern: "${long}"`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^m\.yaml:11: processes\[0\]\.parameters\.code: pattern "\^\[a-z\].*…" is longer than 500 characters/,
    );
    expect(problems[0]!.length).toBeLessThan(250);
  });

  it('accepts the unambiguous repeated groups people write (slugs, lists, dotted names)', () => {
    const { problems } = buildCatalog([
      {
        path: 'm.yaml',
        text: params(
          [
            '      slug: {type: string, pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$", default: "a-b-c"}',
            "      ip: {type: string, pattern: '^(\\d{1,3}\\.){3}\\d{1,3}$', default: '10.0.0.1'}",
            '      verb: {type: string, pattern: "^(GET|POST)$"}',
          ].join('\n'),
        ),
      },
    ]);
    expect(problems).toEqual([]);
  });
});

describe('buildCatalog: aliases', () => {
  const withAlias = (alias: string) =>
    mapWith(
      `    aliases:\n      - "${alias}"\n    parameters:\n      a: {type: string}\n      b: {type: string}`,
    );

  it.each([
    ['{a}{b} now', 'has two placeholders in a row, so their values could not be told apart'],
    ['{a}', 'needs some literal words, otherwise it would match any message'],
    ['reset {a for me', 'has an unbalanced "{" or "}"'],
    ['reset {a} and {a}', 'uses {a} twice'],
    ['reset {1x}', 'placeholder {1x} is not a parameter name'],
  ])('rejects "%s"', (alias, reason) => {
    expect(problemsOf(withAlias(alias))).toEqual([
      `m.yaml:9: processes[0].aliases[0]: alias "${alias}" ${reason}`,
    ]);
  });

  it('rejects two processes whose aliases read the same, naming both places', () => {
    const second = mapWith(
      '    aliases: ["Reset  VPN for {b}"]\n    parameters:\n      b: {type: string}',
    ).replace('id: p', 'id: q');
    const result = buildCatalog([
      { path: 'one.yaml', text: withAlias('reset vpn for {a}') },
      { path: 'two.yaml', text: second },
    ]);
    expect(formatted(result.problems)).toEqual([
      'two.yaml:8: alias "Reset  VPN for {b}" reads the same as alias "reset vpn for {a}" of process "p" (one.yaml:9)',
    ]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['24h', 24 * 3_600_000],
    ['2d', 2 * 86_400_000],
    ['1w', 7 * 86_400_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(tryParseDuration(text)).toBe(ms);
  });

  it.each(['', '24', '1 day', '0h', '1.5h', '-1h', '2y'])('refuses %p', (text) => {
    expect(tryParseDuration(text)).toBeNull();
    expect(() => parseDuration(text)).toThrow(RangeError);
  });
});
