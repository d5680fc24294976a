/**
 * The merged parameter schema of a process, from Prefect when it answers (the client caches
 * deployments), from the process map alone in dry run or while Prefect is unreachable (then the
 * caller gets a notice to show). Merged schemas are kept per process so that the same object is
 * reused (the validator caches compiled schemas by object) and so routers can be given the
 * schemas already known.
 */
import { FlowdeskError, isFlowdeskError } from '../errors';
import { type MergedParameters, mergeParameterSchema } from '../params/merge-parameter-schema';
import type { DeploymentInfo, Logger, PrefectPort } from '../ports';
import type { JsonSchema, ProcessDef } from '../types';

export interface SchemaLookup {
  merged: MergedParameters;
  deployment: DeploymentInfo | null;
  /** Set when Prefect could not be asked although it is configured. */
  notice?: string;
}

export interface ParameterSchemas {
  forProcess(process: ProcessDef): Promise<SchemaLookup>;
  /** Schemas already merged, by process id (no Prefect call). */
  known(): ReadonlyMap<string, JsonSchema>;
}

export const PREFECT_DOWN_NOTICE =
  'Prefect is not reachable right now, so I checked the parameters against the process map only.';

/**
 * After Prefect failed to answer for a process, its lookups use the map alone for this long without
 * asking again: one message looks a schema up more than once, and during an outage each lookup would
 * otherwise wait out the client's retries again. Short, so the schemas come back by themselves.
 */
export const PREFECT_DOWN_RECHECK_MS = 10_000;

export function createParameterSchemas(deps: {
  prefect: PrefectPort | null;
  logger: Logger;
  /** Milliseconds now (the engine's clock); without it every lookup asks Prefect. */
  now?: () => number;
}): ParameterSchemas {
  const cache = new Map<
    string,
    { process: ProcessDef; deployment: DeploymentInfo | null; key: string; merged: MergedParameters }
  >();
  /** When Prefect last failed to answer for a process's deployment. */
  const unreachableAt = new Map<string, number>();
  const recentlyUnreachable = (process: ProcessDef) => {
    const at = unreachableAt.get(process.id);
    return at !== undefined && deps.now !== undefined && deps.now() - at < PREFECT_DOWN_RECHECK_MS;
  };
  const mapOnly = (process: ProcessDef): SchemaLookup => ({
    merged: merge(process, null),
    deployment: null,
    notice: PREFECT_DOWN_NOTICE,
  });

  const merge = (process: ProcessDef, deployment: DeploymentInfo | null): MergedParameters => {
    const hit = cache.get(process.id);
    // The Prefect client hands out the same cached deployment object: no need to compare contents.
    if (hit && hit.process === process && hit.deployment === deployment) return hit.merged;
    const key = deployment
      ? JSON.stringify([deployment.id, deployment.parameterSchema, deployment.parameters])
      : 'map';
    if (hit && hit.process === process && hit.key === key) {
      hit.deployment = deployment;
      return hit.merged;
    }
    const merged = mergeParameterSchema(process, deployment);
    if (merged.ignored.length > 0) {
      deps.logger.warn(
        { processId: process.id, ignored: merged.ignored },
        'process map declares parameters the deployment does not have; they are ignored',
      );
    }
    if (merged.droppedPatterns.length > 0) {
      deps.logger.warn(
        { processId: process.id, patterns: merged.droppedPatterns },
        "the deployment's parameter schema has regexes that could hang the validator; they are not checked",
      );
    }
    cache.set(process.id, { process, deployment, key, merged });
    return merged;
  };

  return {
    async forProcess(process) {
      if (!deps.prefect) return { merged: merge(process, null), deployment: null };
      if (recentlyUnreachable(process)) return mapOnly(process);
      try {
        const deployment = await deps.prefect.getDeployment(process.deployment);
        unreachableAt.delete(process.id);
        return { merged: merge(process, deployment), deployment };
      } catch (error) {
        if (isFlowdeskError(error) && error.code === 'prefect_unavailable') {
          if (deps.now) unreachableAt.set(process.id, deps.now());
          deps.logger.warn(
            { processId: process.id, err: error.message },
            'Prefect unreachable; map-only schema',
          );
          return mapOnly(process);
        }
        if (isFlowdeskError(error) && error.code === 'prefect_not_found') {
          throw new FlowdeskError('prefect_not_found', `deployment ${process.deployment} not found`, {
            userMessage: `The Prefect deployment behind “${process.title}” (${process.deployment}) does not exist. An admin needs to fix the process map.`,
            cause: error,
          });
        }
        throw error;
      }
    },
    known() {
      return new Map([...cache.entries()].map(([id, entry]) => [id, entry.merged.schema]));
    },
  };
}
