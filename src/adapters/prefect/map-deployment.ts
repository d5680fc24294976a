import { FlowdeskError } from '../../core/errors';
import type { DeploymentInfo } from '../../core/ports';
import type { PrefectSchemas } from './prefect-schemas';

export interface DeploymentRef {
  flowName: string;
  deploymentName: string;
}

/** "<flow name>/<deployment name>": Prefect names cannot contain "/", so the first one separates them. */
export function parseDeploymentRef(ref: string): DeploymentRef {
  const slash = ref.indexOf('/');
  const flowName = slash > 0 ? ref.slice(0, slash).trim() : '';
  const deploymentName = slash > 0 ? ref.slice(slash + 1).trim() : '';
  if (!flowName || !deploymentName || deploymentName.includes('/')) {
    throw new FlowdeskError('prefect_not_found', `Invalid deployment reference "${ref}"`, {
      userMessage: `"${ref}" is not a Prefect deployment reference; it must look like "<flow name>/<deployment name>".`,
    });
  }
  return { flowName, deploymentName };
}

export function toDeploymentInfo(
  deployment: PrefectSchemas['DeploymentResponse'],
  ref: DeploymentRef,
): DeploymentInfo {
  return {
    id: deployment.id,
    name: deployment.name,
    // DeploymentResponse has no flow name; the ref we looked it up by names the flow.
    flowName: ref.flowName,
    parameterSchema: deployment.parameter_openapi_schema ?? null,
    parameters: deployment.parameters ?? {},
    enforceParameterSchema: deployment.enforce_parameter_schema ?? true,
  };
}
