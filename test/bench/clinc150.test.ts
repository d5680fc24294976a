import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildClinc150Catalog,
  defaultClinc150Dir,
  intentProcessId,
  writeClinc150Cases,
} from '../../src/bench/clinc150';

describe('CLINC150 as a process map', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'flowdesk-clinc-test-'));
    const lines = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
    writeFileSync(
      path.join(dir, 'train.jsonl'),
      lines([
        { text: 'freeze my card', intent: 'freeze_account' },
        { text: 'how do i say hi in french', intent: 'translate' },
        { text: 'lock my account now', intent: 'freeze_account' },
      ]),
    );
    writeFileSync(
      path.join(dir, 'val.jsonl'),
      lines([{ text: 'block my account', intent: 'freeze_account' }]),
    );
    writeFileSync(path.join(dir, 'oos_val.jsonl'), lines([{ text: 'who won the game', intent: null }]));
    writeFileSync(
      path.join(dir, 'domains.json'),
      JSON.stringify({ banking: ['freeze_account'], utility: ['translate'] }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes one process per intent with its training utterances as examples', () => {
    const catalog = buildClinc150Catalog(dir);
    expect(catalog.processes.map((process) => process.id)).toEqual(['freeze-account', 'translate']);
    const freeze = catalog.byId.get('freeze-account')!;
    expect(freeze).toMatchObject({
      title: 'Freeze account',
      description: 'Freeze account (banking).',
      examples: ['freeze my card', 'lock my account now'],
      aliases: [],
      parameters: {},
    });
    expect(freeze.id).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
  });

  it('writes the validation cases, out-of-scope ones with expect null', () => {
    const file = writeClinc150Cases(dir, path.join(dir, 'out'));
    const cases = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(cases).toEqual([
      { text: 'block my account', expect: 'freeze-account' },
      { text: 'who won the game', expect: null },
    ]);
  });

  it('says where the data should be when it is missing', () => {
    expect(() => buildClinc150Catalog(path.join(dir, 'nowhere'))).toThrow('CLINC150 file not found');
  });

  it('finds the data next to the checkout unless told otherwise', () => {
    expect(defaultClinc150Dir({}, '/work/main')).toBe('/work/shared/eval/clinc150');
    expect(defaultClinc150Dir({ FLOWDESK_CLINC150_DIR: '/data/clinc' }, '/work/main')).toBe('/data/clinc');
    expect(intentProcessId('pto_request_status')).toBe('pto-request-status');
  });
});
