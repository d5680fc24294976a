/**
 * The Dockerfile, checked without a Docker engine: its build stage runs the same `npm ci` and
 * `npm run build` as `npm test` (which builds dist/ before jest runs), so the dist/ these tests
 * see is what the image ships; the runtime stage installs production dependencies only, which
 * must cover every module dist/ requires; it runs as a non-root user with a /healthz check.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { REPO_ROOT, repoPath } from './deploy-files';
import { copyParts, execForm, type Instruction, parseDockerfile, type Stage } from './dockerfile-parser';

const dockerfile = parseDockerfile(repoPath('Dockerfile'));
const packageJson = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  engines?: { node?: string };
};
const tsconfig = JSON.parse(readFileSync(repoPath('tsconfig.json'), 'utf8')) as {
  extends?: string;
  include: string[];
  compilerOptions: { rootDir: string; outDir: string };
};

const runtime = dockerfile.stages[dockerfile.stages.length - 1];
const distCopy = runtime.instructions
  .filter((i) => i.keyword === 'COPY')
  .map((i) => copyParts(i.args))
  .find((c) => c.from !== null && c.sources.some((s) => s.endsWith('/dist')));
const build = dockerfile.stages.find((s) => s.name === distCopy?.from);

const of = (stage: Stage | undefined, keyword: string): Instruction[] =>
  stage?.instructions.filter((i) => i.keyword === keyword) ?? [];

/** `npm ci --no-audit --no-fund && npm cache clean --force` → ['npm ci', 'npm cache clean'] */
function commands(stage: Stage | undefined): string[] {
  return of(stage, 'RUN').flatMap((i) =>
    i.args.split('&&').map((c) =>
      c
        .trim()
        .split(/\s+/)
        .filter((word) => !word.startsWith('-'))
        .join(' '),
    ),
  );
}

function workdir(stage: Stage | undefined): string {
  return of(stage, 'WORKDIR').at(-1)?.args ?? '/';
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of of(stage, 'ENV')) {
    for (const match of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      env[match[1]] = match[2].replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** .dockerignore patterns (no `!` exceptions in ours) as anchored regular expressions. */
function dockerIgnored(): (path: string) => boolean {
  const patterns = readFileSync(repoPath('.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  expect(patterns.filter((p) => p.startsWith('!'))).toEqual([]);
  const regexes = patterns.map((pattern) => {
    const body = pattern
      .replace(/^\/+|\/+$/g, '')
      .split('')
      .map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')
      .replace(/\[\^\/\]\*\[\^\/\]\*/g, '.*');
    return new RegExp(`^${body}(/.*)?$`);
  });
  return (path) => regexes.some((regex) => regex.test(path));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

function requireDist(): string {
  const dist = resolve(REPO_ROOT, tsconfig.compilerOptions.outDir);
  if (!existsSync(dist))
    throw new Error('dist/ is missing: run `npm run build` before jest (as `npm test` does)');
  return dist;
}

describe('Dockerfile', () => {
  it('copies dist/ into the runtime stage from a build stage of the same file', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(distCopy).toBeDefined();
    expect(build).toBeDefined();
    expect(distCopy!.sources).toEqual([`${workdir(build)}/${tsconfig.compilerOptions.outDir}`]);
    expect(resolve(workdir(runtime), distCopy!.dest)).toBe(
      resolve(workdir(runtime), tsconfig.compilerOptions.outDir),
    );
  });

  it('builds with exactly `npm ci` then `npm run build`, the build script of package.json', () => {
    expect(commands(build)).toEqual(['npm ci', 'npm run build']);
    expect(packageJson.scripts.build).toMatch(/^tsc -p tsconfig\.json$/);
  });

  it('gives the build stage everything `npm ci` and the TypeScript build read', () => {
    const steps = build!.instructions;
    const copied = (path: string) =>
      steps.findIndex((i) => i.keyword === 'COPY' && copyParts(i.args).sources.includes(path));
    const run = (command: string) =>
      steps.findIndex((i) => i.keyword === 'RUN' && i.args.replace(/\s+--\S+/g, '').trim() === command);
    // Lock file before `npm ci` (so the install layer is cached until dependencies change).
    expect(copied('package.json')).toBeGreaterThanOrEqual(0);
    expect(copied('package-lock.json')).toBeGreaterThanOrEqual(0);
    expect(copied('package-lock.json')).toBeLessThan(run('npm ci'));
    // tsconfig.json and what it includes, before the build.
    expect(tsconfig.extends).toBeUndefined();
    expect(copied('tsconfig.json')).toBeLessThan(run('npm run build'));
    const roots = [...new Set(tsconfig.include.map((glob) => glob.split('/')[0]))];
    expect(roots).toEqual([tsconfig.compilerOptions.rootDir]);
    for (const root of roots) {
      expect({ root, copiedBeforeBuild: copied(root) >= 0 && copied(root) < run('npm run build') }).toEqual({
        root,
        copiedBeforeBuild: true,
      });
    }
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const ignored = dockerIgnored();
    const fromContext = dockerfile.stages.flatMap((stage) =>
      of(stage, 'COPY')
        .map((i) => copyParts(i.args))
        .filter((c) => c.from === null)
        .flatMap((c) => c.sources),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) {
      expect({ source, exists: existsSync(repoPath(source)), ignored: ignored(source) }).toEqual({
        source,
        exists: true,
        ignored: false,
      });
    }
    // Secrets and host builds never reach the image.
    for (const path of ['.env', 'node_modules', 'dist'])
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
  });

  it('installs production dependencies only in the runtime stage', () => {
    const installs = of(runtime, 'RUN').filter((i) => /\bnpm (ci|install)\b/.test(i.args));
    expect(installs).toHaveLength(1);
    expect(installs[0].args).toMatch(/\bnpm ci\b.*--omit=dev/);
    expect(envOf(runtime).NODE_ENV).toBe('production');
  });

  it('runs as a non-root user', () => {
    const user = of(runtime, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:.*)?$/);
  });

  it('checks its health on /healthz at the port it listens on', () => {
    const healthcheck = of(runtime, 'HEALTHCHECK').at(-1)?.args ?? '';
    expect(healthcheck).toMatch(/\bCMD\b/);
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).toContain('process.env.PORT');
    const env = envOf(runtime);
    expect(of(runtime, 'EXPOSE').map((i) => i.args)).toEqual([env.PORT]);
  });

  it('starts dist/cli.js, the file package.json names as the flowdesk command', () => {
    const entrypoint = execForm(of(runtime, 'ENTRYPOINT').at(-1)?.args ?? '');
    expect(entrypoint).toEqual(['node', packageJson.bin.flowdesk]);
    expect(packageJson.bin.flowdesk).toBe('dist/cli.js');
    expect(execForm(of(runtime, 'CMD').at(-1)?.args ?? '')).toEqual(['start']);
    // tsc maps rootDir/cli.ts to outDir/cli.js.
    const source = join(tsconfig.compilerOptions.rootDir, 'cli.ts');
    expect({ source, exists: existsSync(repoPath(source)) }).toEqual({ source, exists: true });
  });

  it('ships the process maps where FLOWDESK_PROCESS_MAPS points', () => {
    const copy = of(runtime, 'COPY')
      .map((i) => copyParts(i.args))
      .find((c) => c.sources.includes('process-maps'));
    expect(copy).toBeDefined();
    expect(resolve(workdir(runtime), copy!.dest)).toBe(envOf(runtime).FLOWDESK_PROCESS_MAPS);
  });

  it('uses a Node.js image that satisfies package.json engines', () => {
    const arg = dockerfile.globals.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    const major = Number(/^NODE_IMAGE=node:(\d+)/.exec(arg?.args ?? '')?.[1]);
    const minimum = Number(/>=\s*(\d+)/.exec(packageJson.engines?.node ?? '')?.[1]);
    expect(major).toBeGreaterThanOrEqual(minimum);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ${…} syntax
    for (const stage of dockerfile.stages) expect(stage.from).toBe('${NODE_IMAGE}');
  });
});

describe('npm run build output (dist/)', () => {
  it('contains dist/cli.js, the entry point of the image and of the flowdesk command', () => {
    const dist = requireDist();
    expect(existsSync(join(dist, 'cli.js'))).toBe(true);
    expect(resolve(REPO_ROOT, packageJson.bin.flowdesk)).toBe(join(dist, 'cli.js'));
  });

  it('requires only Node built-ins and production dependencies (the runtime stage omits dev ones)', () => {
    const dist = requireDist();
    const builtins = new Set(builtinModules);
    const allowed = new Set(Object.keys(packageJson.dependencies));
    const problems: string[] = [];
    for (const file of walk(dist).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
        const specifier = match[1];
        if (specifier.startsWith('.')) {
          const target = resolve(file, '..', specifier);
          if (relative(dist, target).startsWith('..'))
            problems.push(`${relative(dist, file)}: ${specifier} leaves dist/`);
          continue;
        }
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        if (!builtins.has(name.replace(/^node:/, '')) && !allowed.has(name)) {
          problems.push(`${relative(dist, file)}: requires "${specifier}", not a production dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
