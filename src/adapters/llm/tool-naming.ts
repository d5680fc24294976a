/**
 * Process id ↔ function tool name. OpenAI tool names match `^[a-zA-Z0-9_-]{1,64}$`; process ids match
 * `^[a-z][a-z0-9_-]{0,62}$`, so `run_<id>` fits unless the id is long (or was not validated): then a short
 * hash of the id keeps the name unique. The reverse mapping only knows the tools actually offered, so a
 * name the model invents (or a process the requester may not use) maps to null.
 */
import { createHash } from 'node:crypto';
import { FlowdeskError } from '../../core/errors';

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const PREFIX = 'run_';
const MAX_LENGTH = 64;

export function toolNameForProcess(processId: string): string {
  const safe = processId.replace(/[^a-zA-Z0-9_-]/g, '_');
  const plain = `${PREFIX}${safe}`;
  if (safe === processId && plain.length <= MAX_LENGTH) return plain;
  const hash = createHash('sha256').update(processId).digest('hex').slice(0, 8);
  return `${PREFIX}${safe.slice(0, MAX_LENGTH - PREFIX.length - hash.length - 1)}_${hash}`;
}

export function isValidToolName(name: string): boolean {
  return TOOL_NAME_PATTERN.test(name);
}

/** The process id behind `toolName` among the offered ids, or null when the name is not one we offered. */
export function processIdForToolName(toolName: string, offeredProcessIds: Iterable<string>): string | null {
  for (const id of offeredProcessIds) {
    if (toolNameForProcess(id) === toolName) return id;
  }
  return null;
}

export interface ToolNameMap {
  nameOf(processId: string): string | undefined;
  processIdOf(toolName: string): string | null;
  readonly names: readonly string[];
}

/** Both directions for one set of offered processes (built once per model call). */
export function createToolNameMap(processIds: readonly string[]): ToolNameMap {
  const byName = new Map<string, string>();
  const byId = new Map<string, string>();
  for (const id of processIds) {
    const name = toolNameForProcess(id);
    const owner = byName.get(name);
    if (owner !== undefined && owner !== id) {
      // Two ids that only differ in characters a tool name cannot hold: refuse rather than mix them up.
      throw new FlowdeskError(
        'internal',
        `Processes "${owner}" and "${id}" map to the same tool name "${name}"`,
      );
    }
    byName.set(name, id);
    byId.set(id, name);
  }
  return {
    nameOf: (processId) => byId.get(processId),
    processIdOf: (toolName) => byName.get(toolName) ?? null,
    names: [...byName.keys()],
  };
}
