/**
 * Shared reading of the deployment files for the test/deploy tests: the repository root,
 * the variables `.env.example` documents, Compose-style `${VAR}` interpolation, and the
 * process maps as plain YAML (the raw fragments, as written).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);

/** `NAME=value` lines of `.env.example` (commented-out lines do not count as documented). */
export function envExampleValues(): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(repoPath('.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1], match[2]);
  }
  return values;
}

export interface VariableUse {
  name: string;
  /** The text after the name: `:-default`, `?message`, … or '' */
  modifier: string;
}

const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)((?::?[-?+])[^}]*)?\}/y;
const BARE = /\$([A-Za-z_][A-Za-z0-9_]*)/y;

/**
 * Compose interpolation (compose-spec "Interpolation"): `$$` is a literal `$`; `${VAR}`, `$VAR`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`.
 * Calls `onVariable` for each use. Throws on a `?` variable that is missing (as Compose does).
 */
export function interpolate(
  text: string,
  env: ReadonlyMap<string, string>,
  onVariable: (use: VariableUse) => void = () => {},
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      out += text[i++];
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    BRACED.lastIndex = i;
    const braced = BRACED.exec(text);
    if (braced) {
      const [whole, name, modifier = ''] = braced;
      onVariable({ name, modifier });
      out += substitute(name, modifier, env);
      i += whole.length;
      continue;
    }
    BARE.lastIndex = i;
    const bare = BARE.exec(text);
    if (bare) {
      onVariable({ name: bare[1], modifier: '' });
      out += env.get(bare[1]) ?? '';
      i += bare[0].length;
      continue;
    }
    throw new Error(`invalid interpolation at "${text.slice(i, i + 20)}" (write $$ for a literal $)`);
  }
  return out;
}

function substitute(name: string, modifier: string, env: ReadonlyMap<string, string>): string {
  const value = env.get(name);
  const colon = modifier.startsWith(':');
  const op = modifier.slice(colon ? 1 : 0, colon ? 2 : 1);
  const arg = modifier.slice(colon ? 2 : 1);
  const unset = value === undefined || (colon && value === '');
  switch (op) {
    case '-':
      return unset ? arg : (value as string);
    case '?':
      if (unset) throw new Error(`required variable ${name} is missing: ${arg}`);
      return value as string;
    case '+':
      return unset ? '' : arg;
    default:
      return value ?? '';
  }
}

/** Every string in a parsed YAML document, interpolated (keys are left as they are). */
export function interpolateDeep(
  node: unknown,
  env: ReadonlyMap<string, string>,
  onVariable?: (use: VariableUse) => void,
): unknown {
  if (typeof node === 'string') return interpolate(node, env, onVariable);
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env, onVariable));
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateDeep(value, env, onVariable)]),
    );
  }
  return node;
}

export interface RawProcess {
  id: string;
  deployment: string;
  parameters?: Record<string, Record<string, unknown>>;
  results?: { keys?: string[] };
}

/** The processes of `process-maps/*.yaml|yml`, with the file each comes from. */
export function readProcessMaps(): Array<{ file: string; process: RawProcess }> {
  const dir = repoPath('process-maps');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .flatMap((file) => {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as { processes?: RawProcess[] } | null;
      return (doc?.processes ?? []).map((process) => ({ file, process }));
    });
}
