/**
 * docker-compose.yml, checked without a Docker engine: valid against the Compose Specification
 * schema, every file it points at exists, every variable it uses is documented, the services
 * reach each other at the addresses they listen on, and flowdesk's resulting environment loads.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, resolve } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';
import { envExampleValues, interpolateDeep, REPO_ROOT, repoPath, type VariableUse } from './deploy-files';
import { parseDockerfile } from './dockerfile-parser';

type Obj = Record<string, unknown>;

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  env_file?: string | Array<string | { path: string; required?: boolean }>;
  environment?: Obj | string[];
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: Obj;
  ports?: Array<string | number | Obj>;
  working_dir?: string;
  restart?: string;
}

const SCHEMA_PATH = resolve(REPO_ROOT, '..', 'shared', 'compose', 'compose-spec.json');
const COMPOSE_PATH = repoPath('docker-compose.yml');
/** Services whose environment is flowdesk's own configuration (SPEC §8). */
const FLOWDESK_SERVICES = ['flowdesk', 'flowdesk-setup'];

const rawText = readFileSync(COMPOSE_PATH, 'utf8');
const raw = parse(rawText) as Obj;
const uses: VariableUse[] = [];
/** Interpolated as Compose would with no variables set: the defaults of `${VAR:-default}` apply. */
const compose = interpolateDeep(raw, new Map(), (use) => uses.push(use)) as Obj & {
  services: Record<string, Service>;
  volumes?: Obj;
};
const services = compose.services;

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function envFiles(service: Service): Array<{ path: string; required: boolean }> {
  const files =
    service.env_file === undefined
      ? []
      : Array.isArray(service.env_file)
        ? service.env_file
        : [service.env_file];
  return files.map((f) =>
    typeof f === 'string' ? { path: f, required: true } : { path: f.path, required: f.required ?? true },
  );
}

function buildOf(service: Service): { context: string; dockerfile: string } | null {
  if (service.build === undefined) return null;
  const context = typeof service.build === 'string' ? service.build : (service.build.context ?? '.');
  const dockerfile =
    typeof service.build === 'string' ? 'Dockerfile' : (service.build.dockerfile ?? 'Dockerfile');
  return { context: resolve(REPO_ROOT, context), dockerfile: resolve(REPO_ROOT, context, dockerfile) };
}

/** Bind mounts as [host path, container path]; named volumes as [name, container path]. */
function mounts(service: Service): Array<{ kind: 'bind' | 'volume'; source: string; target: string }> {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
      return { kind: bind ? 'bind' : 'volume', source, target };
    }
    return {
      kind: volume.type === 'bind' ? 'bind' : 'volume',
      source: volume.source ?? '',
      target: volume.target ?? '',
    };
  });
}

function dependencies(service: Service): Array<{ name: string; condition: string }> {
  const deps = service.depends_on ?? [];
  if (Array.isArray(deps)) return deps.map((name) => ({ name, condition: 'service_started' }));
  return Object.entries(deps).map(([name, d]) => ({ name, condition: d.condition ?? 'service_started' }));
}

function commandOf(service: Service): string[] {
  if (service.command === undefined) return [];
  return Array.isArray(service.command) ? service.command : service.command.split(/\s+/);
}

/** The http URL `value` must name a service of this file, on the port that service listens on. */
function expectServiceUrl(value: string, service: string, port: number, path: string): void {
  const url = new URL(value);
  expect(url.hostname).toBe(service);
  expect(url.port).toBe(String(port));
  expect(url.pathname.replace(/\/+$/, '')).toBe(path);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, without the obsolete `version` key', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Obj;
    // The schema declares draft-07 by an https URL ajv does not know; ajv's default dialect is draft-07.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(ajv.errorsText(validate.errors, { separator: '\n' })).toBe('No errors');
    expect(valid).toBe(true);
    expect(raw).not.toHaveProperty('version');
  });

  it('has the services of the set-up: Redis, a Prefect server and worker, flowdesk and its one-shot setup', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['flowdesk', 'flowdesk-setup', 'prefect-server', 'prefect-worker', 'redis'].sort(),
    );
  });

  it('persists Redis (append-only file on a named volume) and the Prefect database', () => {
    const redis = services.redis;
    expect(commandOf(redis)).toEqual(expect.arrayContaining(['redis-server', '--appendonly', 'yes']));
    const redisData = mounts(redis).find((m) => m.target === '/data');
    expect(redisData?.kind).toBe('volume');
    expect(
      mounts(services['prefect-server']).some((m) => m.kind === 'volume' && m.target === '/root/.prefect'),
    ).toBe(true);
  });

  it('builds from contexts and Dockerfiles that exist', () => {
    const built = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name)).toContain('flowdesk');
    for (const [name, service] of built) {
      const build = buildOf(service)!;
      expect({ name, context: existsSync(build.context) && statSync(build.context).isDirectory() }).toEqual({
        name,
        context: true,
      });
      expect({ name, dockerfile: existsSync(build.dockerfile) }).toEqual({ name, dockerfile: true });
    }
  });

  it('reads only env files that exist, or optional ones that have a documented template', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const file of envFiles(service)) {
        const path = resolve(REPO_ROOT, file.path);
        if (file.required)
          expect({ name, file: file.path, exists: existsSync(path) }).toMatchObject({ exists: true });
        else expect({ name, template: existsSync(`${path}.example`) }).toEqual({ name, template: true });
      }
    }
  });

  it('mounts host paths that exist and declares every named volume', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const mount of mounts(service)) {
        if (mount.kind === 'bind') {
          const source = isAbsolute(mount.source) ? mount.source : resolve(REPO_ROOT, mount.source);
          expect({ name, source: mount.source, exists: existsSync(source) }).toMatchObject({ exists: true });
        } else {
          expect(declared).toContain(mount.source);
        }
      }
    }
  });

  it('runs scripts that exist where the bind mounts put them', () => {
    const worker = services['prefect-worker'];
    const script = commandOf(worker).find((arg) => arg.endsWith('.py'));
    expect(script).toBe('/flows/serve.py');
    const hostPath = (containerPath: string): string | null => {
      for (const mount of mounts(worker)) {
        if (mount.kind !== 'bind') continue;
        const relative = posix.relative(mount.target, containerPath);
        if (!relative.startsWith('..')) return join(resolve(REPO_ROOT, mount.source), relative);
      }
      return null;
    };
    const onHost = hostPath(script!);
    expect(onHost).toBe(repoPath('examples', 'flows', 'serve.py'));
    expect(existsSync(onHost!)).toBe(true);
    expect(worker.working_dir).toBe('/flows');
  });

  it('uses only interpolated variables documented in .env.example', () => {
    const documented = envExampleValues();
    expect(uses.length).toBeGreaterThan(0);
    const undocumented = [...new Set(uses.map((u) => u.name))].filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
    // Compose reads .env for interpolation: the documented defaults are the file's own.
    for (const use of uses.filter((u) => u.modifier.startsWith(':-') && documented.get(u.name) !== '')) {
      expect({ name: use.name, default: use.modifier.slice(2) }).toEqual({
        name: use.name,
        default: documented.get(use.name),
      });
    }
  });

  it('sets only documented variables: flowdesk configuration in flowdesk services, Prefect settings elsewhere', () => {
    const documented = envExampleValues();
    for (const [name, service] of Object.entries(services)) {
      for (const key of Object.keys(environmentOf(service))) {
        if (FLOWDESK_SERVICES.includes(name))
          expect({ name, key, documented: documented.has(key) }).toEqual({ name, key, documented: true });
        else expect({ name, key }).toEqual({ name, key: expect.stringMatching(/^PREFECT_/) });
      }
    }
  });

  it('depends only on services that exist, and waits for health only where a healthcheck exists', () => {
    const dockerfileHasHealthcheck = (service: Service) => {
      const build = buildOf(service);
      if (!build) return false;
      const { stages } = parseDockerfile(build.dockerfile);
      return stages[stages.length - 1].instructions.some((i) => i.keyword === 'HEALTHCHECK');
    };
    const healthchecked = (name: string) =>
      services[name].healthcheck !== undefined ||
      dockerfileHasHealthcheck(services[name]) ||
      // A service that reuses the image another service builds gets its HEALTHCHECK too.
      Object.values(services).some((s) => s.image === services[name].image && dockerfileHasHealthcheck(s));
    for (const [name, service] of Object.entries(services)) {
      for (const dep of dependencies(service)) {
        expect({ name, dependsOn: dep.name, exists: dep.name in services }).toMatchObject({ exists: true });
        if (dep.condition === 'service_healthy') {
          expect({ name, dependsOn: dep.name, healthcheck: healthchecked(dep.name) }).toMatchObject({
            healthcheck: true,
          });
        }
      }
    }
    expect(dependencies(services.flowdesk)).toEqual(
      expect.arrayContaining([
        { name: 'redis', condition: 'service_healthy' },
        { name: 'prefect-server', condition: 'service_healthy' },
      ]),
    );
    expect(dependencies(services['prefect-worker'])).toEqual([
      { name: 'prefect-server', condition: 'service_healthy' },
    ]);
  });

  it('wires each service to the addresses the others listen on', () => {
    const serverCommand = commandOf(services['prefect-server']);
    expect(serverCommand.slice(0, 3)).toEqual(['prefect', 'server', 'start']);
    expect(serverCommand[serverCommand.indexOf('--host') + 1]).toBe('0.0.0.0');
    const prefectPort = Number(serverCommand[serverCommand.indexOf('--port') + 1] ?? 4200);
    expect(JSON.stringify(services['prefect-server'].healthcheck)).toContain(`:${prefectPort}/api/health`);

    const flowdeskEnv = environmentOf(services.flowdesk);
    expectServiceUrl(flowdeskEnv.REDIS_URL, 'redis', 6379, '');
    expectServiceUrl(flowdeskEnv.PREFECT_API_URL, 'prefect-server', prefectPort, '/api');
    expectServiceUrl(
      environmentOf(services['prefect-worker']).PREFECT_API_URL,
      'prefect-server',
      prefectPort,
      '/api',
    );
    expectServiceUrl(
      environmentOf(services['flowdesk-setup']).PREFECT_API_URL,
      'prefect-server',
      prefectPort,
      '/api',
    );
    expect(new URL(flowdeskEnv.PREFECT_UI_URL).port).toBe(String(prefectPort));

    const flowdeskPort = Number(flowdeskEnv.PORT);
    expect(services.flowdesk.ports).toContain(`${flowdeskPort}:${flowdeskPort}`);
    const setup = commandOf(services['flowdesk-setup']);
    expect(setup[0]).toBe('setup-prefect');
    expectServiceUrl(
      setup[setup.indexOf('--webhook-url') + 1],
      'flowdesk',
      flowdeskPort,
      '/webhooks/prefect',
    );
    expect(services['flowdesk-setup'].restart).toBe('no');
  });

  it('gives flowdesk a configuration that loads once the Slack tokens are in .env (made from .env.example)', () => {
    // What Docker does: every line of the env file becomes a variable (empty ones included),
    // then `environment:` wins.
    const dotEnv = Object.fromEntries(envExampleValues());
    Object.assign(dotEnv, {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
    });
    const env = { ...dotEnv, ...environmentOf(services.flowdesk) };
    const config = loadConfig(env);
    expect(config.REDIS_URL).toBe('redis://redis:6379');
    expect(config.PREFECT_API_URL).toBe('http://prefect-server:4200/api');
    expect(config.PORT).toBe(3000);
  });
});
