import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalogFromPath, loadCatalogResult } from '../../src/adapters/process-map-files';
import { FlowdeskError } from '../../src/core/errors';
import { FIXTURES_DIR } from '../core/process-map/fixture-expectations';

const SHIPPED_DIR = path.resolve(__dirname, '../../process-maps');

function mapText(id: string, extra = ''): string {
  return [
    'version: 1',
    'processes:',
    `  - id: ${id}`,
    `    title: ${id}`,
    '    description: A process used in tests.',
    `    deployment: ${id}/production`,
    '    examples: [do the thing]',
    extra,
  ].join('\n');
}

describe('loading process maps from disk', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowdesk-maps-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(relative: string, text: string): string {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  it('loads every *.yaml and *.yml under a directory, recursively and in sorted order', async () => {
    write('b.yaml', mapText('bravo'));
    write('a/nested/deep.yml', mapText('alpha'));
    write('c.YAML', mapText('charlie'));
    write('notes.txt', 'not a map');
    write('.draft.yaml', 'this: [is not valid');
    write('.git/config.yaml', 'ignored: [too');

    const catalog = await loadCatalogFromPath(dir);

    expect(catalog.files).toEqual([
      path.join(dir, 'a/nested/deep.yml'),
      path.join(dir, 'b.yaml'),
      path.join(dir, 'c.YAML'),
    ]);
    expect(catalog.processes.map((p) => p.id)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(catalog.byId.get('alpha')?.source).toEqual({ file: path.join(dir, 'a/nested/deep.yml'), line: 3 });
  });

  it('loads a single file given directly', async () => {
    const file = write('only.yaml', mapText('only'));
    const catalog = await loadCatalogFromPath(file);
    expect(catalog.files).toEqual([file]);
    expect(catalog.processes.map((p) => p.id)).toEqual(['only']);
  });

  it('throws process_map_invalid listing every problem as file:line: message', async () => {
    const bad = write('bad.yaml', mapText('Bad Id', '    confirm: maybe'));
    write('good.yaml', mapText('good'));

    const error = await loadCatalogFromPath(dir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FlowdeskError);
    const problems = [
      `${bad}:3: processes[0].id: must start with a lower-case letter and use only a-z, 0-9, "-" and "_", at most 63 characters (got "Bad Id")`,
      `${bad}:8: processes[0].confirm: must be true or false (got "maybe")`,
    ];
    expect((error as FlowdeskError).code).toBe('process_map_invalid');
    expect((error as FlowdeskError).details).toEqual({ problems });
    expect((error as FlowdeskError).userMessage).toBe(
      [`The process maps in ${dir} have 2 problems:`, ...problems.map((p) => `  ${p}`)].join('\n'),
    );
  });

  it('shortens the user message when there are many problems, keeping all of them in details', async () => {
    const processes = Array.from({ length: 25 }, (_, i) => `  - id: BAD${i}`).join('\n');
    write('many.yaml', `version: 1\nprocesses:\n${processes}\n`);

    const error = (await loadCatalogFromPath(dir).catch((e: unknown) => e)) as FlowdeskError;

    const problems = error.details?.problems as string[];
    expect(problems.length).toBeGreaterThan(25);
    expect(error.userMessage.split('\n')).toHaveLength(22);
    expect(error.userMessage).toContain(`… and ${problems.length - 20} more (run \`flowdesk validate\``);
  });

  it('reports a missing path clearly', async () => {
    const missing = path.join(dir, 'nope');
    expect(await loadCatalogResult(missing)).toEqual({
      catalog: null,
      problems: [
        `${missing}: does not exist (set FLOWDESK_PROCESS_MAPS or --process-maps to a process-map directory or file)`,
      ],
    });
    await expect(loadCatalogFromPath(missing)).rejects.toMatchObject({ code: 'process_map_invalid' });
  });

  it('reports a directory without map files', async () => {
    write('README.md', '# nothing here');
    expect(await loadCatalogResult(dir)).toEqual({
      catalog: null,
      problems: [`${dir}: no process map files (*.yaml, *.yml) found`],
    });
  });

  it('refuses a file larger than 1 MiB without parsing it', async () => {
    const big = write('big.yaml', `# ${'x'.repeat(1024 * 1024)}\n`);
    expect((await loadCatalogResult(dir)).problems).toEqual([
      `${big}: file is larger than 1 MiB, which is far more than a process map needs`,
    ]);
  });

  it('returns problems without throwing from loadCatalogResult', async () => {
    const result = await loadCatalogResult(path.join(FIXTURES_DIR, 'duplicate'));
    expect(result.catalog).toBeNull();
    expect(result.problems).toEqual([
      `${path.join(FIXTURES_DIR, 'duplicate/a.yaml')}:3: duplicate process id "reset-vpn" (also defined at ${path.join(FIXTURES_DIR, 'duplicate/b.yaml')}:9)`,
      `${path.join(FIXTURES_DIR, 'duplicate/b.yaml')}:9: duplicate process id "reset-vpn" (also defined at ${path.join(FIXTURES_DIR, 'duplicate/a.yaml')}:3)`,
    ]);
  });
});

describe('the shipped process maps', () => {
  const shippedFiles = fs.readdirSync(SHIPPED_DIR).filter((name) => /\.ya?ml$/.test(name));

  it('include the IT service desk and data analytics maps', () => {
    expect(shippedFiles).toEqual(expect.arrayContaining(['it-service-desk.yaml', 'data-analytics.yaml']));
  });

  it.each(shippedFiles)('%s loads with no problems', async (name) => {
    expect(await loadCatalogResult(path.join(SHIPPED_DIR, name))).toMatchObject({ problems: [] });
  });

  it('load together, and every process has a real description and at least 5 examples', async () => {
    const catalog = await loadCatalogFromPath(SHIPPED_DIR);
    for (const process of catalog.processes) {
      expect({ id: process.id, examples: process.examples.length >= 5 }).toEqual({
        id: process.id,
        examples: true,
      });
      expect(process.description.length).toBeGreaterThan(80);
      expect(new Set(process.examples).size).toBe(process.examples.length);
      expect(process.deployment).toBe(`${process.id}/production`);
    }
  });

  it('define the IT and data processes the service desk offers', async () => {
    const catalog = await loadCatalogFromPath(SHIPPED_DIR);
    expect([...catalog.byId.keys()]).toEqual(
      expect.arrayContaining([
        'reset-vpn',
        'grant-app-access',
        'restart-service',
        'provision-laptop',
        'rotate-credential',
        'unlock-account',
        'refresh-dashboard',
        'generate-report',
        'backfill-table',
      ]),
    );
    const restart = catalog.byId.get('restart-service')!;
    expect(restart.approval).toMatchObject({
      approvers: { usergroups: ['S0LEADS01'] },
      minApprovals: 1,
      selfApproval: false,
      expiresAfterMs: 4 * 3_600_000,
    });
    expect(restart.approval?.approvers.users).toHaveLength(1);
    expect(restart.required).toEqual(expect.arrayContaining(['environment']));
    expect(catalog.byId.get('backfill-table')?.approval?.approvers.usergroups).toEqual(['S0DATALEADS']);
    expect(catalog.byId.get('generate-report')?.results?.upload).toBe(true);
    expect(catalog.byId.get('refresh-dashboard')?.results?.summary).toContain('{{artifacts.row_count}}');
    expect(catalog.byId.get('reset-vpn')?.parameters.user_email).toMatchObject({
      format: 'email',
      default: '{{requester.email}}',
    });
  });
});
