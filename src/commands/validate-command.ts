/**
 * `flowdesk validate [--online]` (SPEC §9): checks the process maps and prints every problem as
 * `file:line: message`. With --online it also asks Prefect for each deployment and checks that the
 * map's parameters exist in its parameter schema and only narrow it.
 */
import { loadCatalogResult } from '../adapters/process-map-files';
import { isFlowdeskError } from '../core/errors';
import type { DeploymentInfo, PrefectPort } from '../core/ports';
import { deploymentCompatProblems } from '../core/process-map/deployment-compat';
import type { ProcessCatalog, ProcessDef } from '../core/types';

export interface ValidateOptions {
  path: string;
  online: boolean;
  prefect?: PrefectPort;
  print: (line: string) => void;
}

/** Deployments looked up at once: enough to be quick, few enough to be polite to Prefect Cloud. */
const CONCURRENCY = 4;

/** Exit code: 0 when the maps are valid, 1 on any problem. */
export async function runValidate(options: ValidateOptions): Promise<number> {
  const { catalog, problems } = await loadCatalogResult(options.path);
  if (!catalog) {
    for (const problem of problems) options.print(problem);
    return 1;
  }
  if (options.online) {
    if (!options.prefect) {
      options.print(
        'validate --online needs Prefect: set PREFECT_API_URL (and PREFECT_API_KEY for Prefect Cloud)',
      );
      return 1;
    }
    const online = await checkDeployments(catalog, options.prefect);
    for (const line of online) options.print(line);
    if (online.length > 0) return 1;
  }
  options.print(summary(catalog, options.online));
  return 0;
}

/** Problem lines, in catalog order; a Prefect outage is one line, not one per process. */
async function checkDeployments(catalog: ProcessCatalog, prefect: PrefectPort): Promise<string[]> {
  const lookups = new Map<string, Promise<DeploymentInfo>>();
  const lookup = (ref: string) => {
    if (!lookups.has(ref)) lookups.set(ref, prefect.getDeployment(ref));
    return lookups.get(ref)!;
  };
  try {
    const perProcess = await mapWithConcurrency(catalog.processes, CONCURRENCY, (process) =>
      checkDeployment(process, lookup),
    );
    return perProcess.flat();
  } catch (error) {
    const reason = isFlowdeskError(error) ? error.userMessage : 'unexpected error (see logs)';
    return [`could not check deployments in Prefect: ${reason}`];
  }
}

async function checkDeployment(
  process: ProcessDef,
  lookup: (ref: string) => Promise<DeploymentInfo>,
): Promise<string[]> {
  const at = `${process.source.file}:${process.source.line}`;
  let deployment: DeploymentInfo;
  try {
    deployment = await lookup(process.deployment);
  } catch (error) {
    if (isFlowdeskError(error) && error.code === 'prefect_not_found') {
      return [`${at}: deployment "${process.deployment}" not found in Prefect`];
    }
    throw error;
  }
  return deploymentCompatProblems(process, deployment).map((message) => `${at}: ${message}`);
}

async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function summary(catalog: ProcessCatalog, online: boolean): string {
  const processes = catalog.processes.length;
  const files = catalog.files.length;
  const text = `${processes} ${processes === 1 ? 'process' : 'processes'} in ${files} ${files === 1 ? 'file' : 'files'} ${processes === 1 ? 'is' : 'are'} valid`;
  return online ? `${text} and match their Prefect deployments` : text;
}
