/**
 * Parsing `/flowdesk` sub-commands (pure) and formatting reload problems.
 */
import { formatProblem, parseSlashCommand } from '../../../src/adapters/slack/slash-command';

describe('parseSlashCommand', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['  HELP ', { kind: 'help' }],
    ['list', { kind: 'list' }],
    ['runs', { kind: 'runs', all: false }],
    ['runs all', { kind: 'runs', all: true }],
    ['Runs ALL', { kind: 'runs', all: true }],
    ['status req-01J9', { kind: 'status', id: 'req-01J9' }],
    ['status `req-01J9`', { kind: 'status', id: 'req-01J9' }],
    [
      'cancel 0b7e3d7c-3a1c-4a8e-9a51-2f1b3c4d5e6f',
      { kind: 'cancel', id: '0b7e3d7c-3a1c-4a8e-9a51-2f1b3c4d5e6f' },
    ],
    ['reload', { kind: 'reload' }],
    ['whoami', { kind: 'whoami' }],
    ['approvals', { kind: 'approvals' }],
    ['status', { kind: 'missing_argument', command: 'status' }],
    ['cancel', { kind: 'missing_argument', command: 'cancel' }],
  ])('%j → %j', (text, expected) => {
    expect(parseSlashCommand(text)).toEqual(expected);
  });

  it.each([
    'frobnicate',
    'runs everything',
    'list all',
    'status a b',
    'status <script>',
    'reload now',
    'whoami please',
  ])('treats %j as unknown (help is shown)', (text) => {
    expect(parseSlashCommand(text)).toEqual({ kind: 'unknown', input: text });
  });

  it('bounds what it echoes back', () => {
    const parsed = parseSlashCommand(`zap ${'x'.repeat(500)}`);
    expect(parsed.kind).toBe('unknown');
    expect(parsed.kind === 'unknown' && Array.from(parsed.input).length).toBe(100);
  });
});

describe('formatProblem', () => {
  it('prints file:line: message', () => {
    expect(formatProblem({ file: 'maps/a.yaml', line: 4, message: 'bad id' })).toBe('maps/a.yaml:4: bad id');
    expect(formatProblem({ file: 'maps/a.yaml', message: 'does not parse' })).toBe(
      'maps/a.yaml: does not parse',
    );
    expect(formatProblem('maps/b.yaml:9: duplicate id')).toBe('maps/b.yaml:9: duplicate id');
  });
});
