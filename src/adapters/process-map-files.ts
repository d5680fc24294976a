/**
 * Reads process maps from disk: a single file, or every *.yaml / *.yml under a directory
 * (recursively, in a stable sorted order, skipping dot-files such as editor swap files).
 * The parsing and checking itself is pure and lives in core/process-map/build-catalog.ts.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FlowdeskError } from '../core/errors';
import { buildCatalog, formatProblem } from '../core/process-map/build-catalog';
import type { ProcessCatalog } from '../core/types';

const MAP_FILE = /\.ya?ml$/i;
/** A process map is a page of YAML; anything this large is a mistake (or an attack on the parser). */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 16;
const MAX_PROBLEMS_SHOWN = 20;

export interface CatalogLoadResult {
  catalog: ProcessCatalog | null;
  /** "file:line: message" lines; empty when the catalog loaded. */
  problems: string[];
}

/** Never throws: for `flowdesk validate` and `/flowdesk reload` (which keeps the previous maps on problems). */
export async function loadCatalogResult(path: string): Promise<CatalogLoadResult> {
  let files: string[];
  try {
    files = await listMapFiles(path);
  } catch (error) {
    return { catalog: null, problems: [describeFsError(path, error)] };
  }
  if (files.length === 0) {
    return { catalog: null, problems: [`${path}: no process map files (*.yaml, *.yml) found`] };
  }
  const inputs: Array<{ path: string; text: string }> = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      inputs.push({ path: file, text: await readMapText(file) });
    } catch (error) {
      problems.push(describeFsError(file, error));
    }
  }
  if (problems.length > 0) return { catalog: null, problems };
  const built = buildCatalog(inputs);
  return { catalog: built.catalog, problems: built.problems.map(formatProblem) };
}

/** For start-up: the catalog, or a FlowdeskError('process_map_invalid') listing every problem. */
export async function loadCatalogFromPath(path: string): Promise<ProcessCatalog> {
  const { catalog, problems } = await loadCatalogResult(path);
  if (catalog) return catalog;
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
  const more = problems.length - shown.length;
  const userMessage = [
    `The process maps in ${path} have ${problems.length} problem${problems.length === 1 ? '' : 's'}:`,
    ...shown.map((line) => `  ${line}`),
    ...(more > 0 ? [`  … and ${more} more (run \`flowdesk validate\` to see them all)`] : []),
  ].join('\n');
  throw new FlowdeskError('process_map_invalid', `invalid process maps in ${path}: ${problems.join('; ')}`, {
    userMessage,
    details: { problems },
  });
}

async function listMapFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  await walk(path, 0, found);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function walk(dir: string, depth: number, found: string[]): Promise<void> {
  if (depth > MAX_DEPTH) return;
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (await isDirectoryEntry(entry, full)) await walk(full, depth + 1, found);
    else if (MAP_FILE.test(entry.name)) found.push(full);
  }
}

/** Symlinks are followed (maps are often linked in from another checkout); MAX_DEPTH bounds any loop. */
async function isDirectoryEntry(entry: Dirent, full: string): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  // A broken link is treated as a file, so reading it reports the problem under its own name.
  return stat(full).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function readMapText(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > MAX_FILE_BYTES) {
    throw new FlowdeskError('process_map_invalid', `${file} is larger than 1 MiB`, {
      userMessage: `${file}: file is larger than 1 MiB, which is far more than a process map needs`,
    });
  }
  return readFile(file, 'utf8');
}

function describeFsError(path: string, error: unknown): string {
  if (error instanceof FlowdeskError) return error.userMessage;
  const errno = error as NodeJS.ErrnoException | undefined;
  const code = errno?.code;
  const where = errno?.path ?? path;
  switch (code) {
    case 'ENOENT':
      return `${where}: does not exist (set FLOWDESK_PROCESS_MAPS or --process-maps to a process-map directory or file)`;
    case 'EACCES':
    case 'EPERM':
      return `${where}: permission denied`;
    case 'EISDIR':
      return `${where}: is a directory`;
    default:
      return `${where}: cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}
