/**
 * examples/flows/ holds one Prefect flow per process of process-maps/, served as `<flow>/production`
 * by serve.py (the Compose worker). The maps and the flows must agree: the deployment ref, the
 * parameter names, and types, enums and defaults consistent with the map's JSON Schema fragments,
 * so that the parameters flowdesk validates are the ones Prefect accepts. The data processes'
 * result keys must be artifacts the flows create.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RawProcess, readProcessMaps, repoPath } from './deploy-files';
import {
  findFlows,
  type PyFlow,
  type PyParameter,
  type PyType,
  parseAnnotation,
  parseLiteral,
} from './python-signature';

const FLOWS_DIR = repoPath('examples', 'flows');
const DEPLOYMENT_NAME = 'production';
/** Prefect refuses other artifact keys (client-side validation of ArtifactCreate.key). */
const PREFECT_ARTIFACT_KEY = /^[a-z0-9-]+$/;

const processes = readProcessMaps().map(({ process }) => process);
const moduleName = (processId: string) => processId.replace(/-/g, '_');
const flowFile = (processId: string) => join(FLOWS_DIR, `${moduleName(processId)}.py`);
const source = (processId: string) => readFileSync(flowFile(processId), 'utf8');
const pythonFiles = readdirSync(FLOWS_DIR).filter((f) => f.endsWith('.py'));

function flowOf(processId: string): PyFlow {
  const flows = findFlows(source(processId)).filter((f) => f.flowName === processId);
  expect(flows).toHaveLength(1);
  return flows[0];
}

const dateTypes = ['date', 'datetime.date'];
const dateTimeTypes = ['datetime', 'datetime.datetime'];

/** The Python types that give Prefect the same JSON Schema type as the map's fragment. */
function typeProblem(fragment: Record<string, unknown>, type: PyType): string | null {
  if (Array.isArray(fragment.enum)) {
    if (type.kind !== 'literal') return `enum ${JSON.stringify(fragment.enum)} needs Literal[...]`;
    const same = JSON.stringify([...type.values].sort()) === JSON.stringify([...fragment.enum].sort());
    return same
      ? null
      : `Literal${JSON.stringify(type.values)} differs from enum ${JSON.stringify(fragment.enum)}`;
  }
  const named = type.kind === 'named' ? type.name : null;
  const expected: Record<string, string[]> = {
    'string:date': dateTypes,
    'string:date-time': dateTimeTypes,
    string: ['str'],
    integer: ['int'],
    number: ['float', 'int'],
    boolean: ['bool'],
  };
  const key =
    fragment.format && `${fragment.type}:${fragment.format}` in expected
      ? `${fragment.type}:${fragment.format}`
      : String(fragment.type);
  const allowed = expected[key];
  if (!allowed) return `no Python type known for JSON type ${key}`;
  return named && allowed.includes(named)
    ? null
    : `type ${key} needs ${allowed.join(' or ')} (got ${JSON.stringify(type)})`;
}

function defaultProblem(fragment: Record<string, unknown>, param: PyParameter, type: PyType): string | null {
  const pyDefault = param.default === null ? undefined : parseLiteral(param.default);
  if (pyDefault === null && type.kind !== 'optional') return 'default None needs Optional[...]';
  if (type.kind === 'optional' && pyDefault !== null)
    return 'Optional[...] is only for parameters whose default is None';
  if (fragment.required === true)
    return pyDefault === undefined ? null : 'required in the map, so no default in the flow';
  if ('default' in fragment) {
    const mapDefault = fragment.default;
    // A template ({{requester.email}}) is always filled in by flowdesk: the flow may require the value.
    if (typeof mapDefault === 'string' && mapDefault.includes('{{')) return null;
    return pyDefault === mapDefault
      ? null
      : `default ${JSON.stringify(pyDefault)} differs from the map's ${JSON.stringify(mapDefault)}`;
  }
  if (pyDefault === undefined)
    return 'optional in the map (no default, not required), so the flow needs a default';
  if (Array.isArray(fragment.enum) && pyDefault !== null && !fragment.enum.includes(pyDefault)) {
    return `default ${JSON.stringify(pyDefault)} is not one of the enum values`;
  }
  return null;
}

function parameterProblems(process: RawProcess, flow: PyFlow): string[] {
  const fragments = process.parameters ?? {};
  return flow.parameters.flatMap((param) => {
    const fragment = fragments[param.name];
    if (!fragment) return [];
    if (param.annotation === null) return [`${param.name}: no type annotation`];
    const type = parseAnnotation(param.annotation);
    const inner = type.kind === 'optional' ? type.inner : type;
    return [typeProblem(fragment, inner), defaultProblem(fragment, param, type)]
      .filter((p): p is string => p !== null)
      .map((p) => `${param.name}: ${p}`);
  });
}

describe('example flows', () => {
  it('exist for every process of the sample maps', () => {
    expect(processes.map((p) => p.id).sort()).toEqual(
      [
        'backfill-table',
        'generate-report',
        'grant-app-access',
        'provision-laptop',
        'refresh-dashboard',
        'reset-vpn',
        'restart-service',
        'rotate-credential',
        'unlock-account',
      ].sort(),
    );
    const expected = [...processes.map((p) => `${moduleName(p.id)}.py`), 'serve.py'].sort();
    expect(pythonFiles.sort()).toEqual(expected);
  });

  describe.each(processes.map((p) => [p.id, p] as const))('%s', (id, process) => {
    it(`is a @flow named "${id}" whose deployment "${DEPLOYMENT_NAME}" is the map's deployment ref`, () => {
      const flow = flowOf(id);
      expect(process.deployment).toBe(`${flow.flowName}/${DEPLOYMENT_NAME}`);
    });

    it('takes exactly the parameters the map declares, with consistent types, enums and defaults', () => {
      const flow = flowOf(id);
      expect(flow.parameters.map((p) => p.name).sort()).toEqual(Object.keys(process.parameters ?? {}).sort());
      expect(flow.parameters.filter((p) => p.name.startsWith('*'))).toEqual([]);
      expect(parameterProblems(process, flow)).toEqual([]);
    });

    it('creates, under keys Prefect accepts, the artifacts the map reports', () => {
      const text = source(id);
      const keys = [...text.matchAll(/\bkey\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]);
      expect(keys.filter((key) => !PREFECT_ARTIFACT_KEY.test(key))).toEqual([]);
      // Prefect keys have dashes where the maps may write underscores (flowdesk reads `_` as `-`).
      const wanted = (process.results?.keys ?? []).map((key) => key.replace(/_/g, '-'));
      expect(wanted.filter((key) => !keys.includes(key))).toEqual([]);
    });

    it('does simulated work and logs it through the run logger', () => {
      const text = source(id);
      expect(text).toMatch(/\btime\.sleep\(/);
      expect(text).toMatch(/\bget_run_logger\(\)/);
    });
  });

  it('show progress, table and markdown artifacts in the data processes', () => {
    const data = processes.filter((p) => (p.results?.keys ?? []).length > 0);
    expect(data.length).toBeGreaterThan(0);
    for (const process of data) {
      const text = source(process.id);
      for (const call of [
        'create_progress_artifact(',
        'update_progress_artifact(',
        'create_table_artifact(',
        'create_markdown_artifact(',
      ]) {
        expect({ process: process.id, call, used: text.includes(call) }).toEqual({
          process: process.id,
          call,
          used: true,
        });
      }
    }
  });

  it('include a run that pauses for typed input (a RunInput) and one that fails with error logs', () => {
    const pausing = processes.filter((p) => /pause_flow_run\(\s*wait_for_input=/.test(source(p.id)));
    expect(pausing.map((p) => p.id)).toEqual(['provision-laptop']);
    const laptop = source('provision-laptop');
    const inputClass = /wait_for_input=\s*([A-Za-z_]\w*)/.exec(laptop)?.[1];
    expect(laptop).toMatch(new RegExp(`class ${inputClass}\\(RunInput\\)`));

    const rotate = source('rotate-credential');
    const failing = rotate.slice(rotate.indexOf('if credential == "aws-access-key"'));
    expect(failing.indexOf('logger.error(')).toBeGreaterThan(0);
    expect(failing.indexOf('raise ')).toBeGreaterThan(failing.indexOf('logger.error('));
  });

  it('are all served by serve.py as deployments named "production"', () => {
    const serve = readFileSync(join(FLOWS_DIR, 'serve.py'), 'utf8');
    const listed = /^FLOWS\s*=\s*\[([^\]]*)\]/m
      .exec(serve)?.[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const process of processes) {
      const { functionName } = flowOf(process.id);
      expect(serve).toMatch(new RegExp(`^from ${moduleName(process.id)} import ${functionName}$`, 'm'));
      expect(listed).toContain(functionName);
    }
    expect(listed).toHaveLength(processes.length);
    expect(serve).toMatch(/serve\(\*\[f\.to_deployment\(name="production"[^)]*\) for f in FLOWS\]\)/);
  });

  it('compile with python3 -m py_compile', () => {
    const probe = spawnSync('python3', ['--version']);
    if (probe.error) {
      // The only check that needs Python; everything above reads the files as text.
      console.warn('python3 is not installed: skipping the py_compile check of examples/flows/*.py');
      return;
    }
    // Bytecode goes to a temporary directory, not into examples/flows/__pycache__.
    const cache = mkdtempSync(join(tmpdir(), 'flowdesk-pyc-'));
    try {
      const files = pythonFiles.map((f) => join(FLOWS_DIR, f));
      const result = spawnSync('python3', ['-m', 'py_compile', ...files], {
        env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('the Python signature reader', () => {
  it('reads multi-line signatures with Literal, Optional, dates and defaults', () => {
    const [flow] = findFlows(
      [
        'import datetime',
        '@flow(log_prints=True, name="demo")',
        'def demo(',
        '    a: Literal["x", "y, z"],  # comment, with a comma',
        '    b: Optional[str] = None,',
        '    c: datetime.date = None,',
        "    d: int | None = None, e: str = 'p=q'",
        ') -> dict:',
        '    pass',
      ].join('\n'),
    );
    expect(flow.flowName).toBe('demo');
    expect(flow.functionName).toBe('demo');
    expect(flow.parameters).toEqual([
      { name: 'a', annotation: 'Literal["x", "y, z"]', default: null },
      { name: 'b', annotation: 'Optional[str]', default: 'None' },
      { name: 'c', annotation: 'datetime.date', default: 'None' },
      { name: 'd', annotation: 'int | None', default: 'None' },
      { name: 'e', annotation: 'str', default: "'p=q'" },
    ]);
    expect(parseAnnotation('Literal["x", "y, z"]')).toEqual({ kind: 'literal', values: ['x', 'y, z'] });
    expect(parseAnnotation('int | None')).toEqual({
      kind: 'optional',
      inner: { kind: 'named', name: 'int' },
    });
  });

  it('finds the problems a drifted flow would have', () => {
    const process: RawProcess = {
      id: 'demo',
      deployment: 'demo/production',
      parameters: {
        env: { type: 'string', enum: ['staging', 'production'], required: true },
        day: { type: 'string', format: 'date', required: true },
        role: { type: 'string', enum: ['viewer', 'admin'], default: 'viewer' },
        note: { type: 'string' },
      },
    };
    const [flow] = findFlows(
      [
        '@flow(name="demo")',
        'def demo(env: Literal["staging", "prod"], day: str, note: str, role: Literal["viewer", "admin"] = "admin"):',
        '    pass',
      ].join('\n'),
    );
    expect(parameterProblems(process, flow)).toEqual([
      'env: Literal["staging","prod"] differs from enum ["staging","production"]',
      'day: type string:date needs date or datetime.date (got {"kind":"named","name":"str"})',
      'note: optional in the map (no default, not required), so the flow needs a default',
      'role: default "admin" differs from the map\'s "viewer"',
    ]);
  });
});
