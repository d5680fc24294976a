/**
 * What the bench's fake Prefect answers for each deployment of the process maps: a
 * parameter_openapi_schema like Prefect generates from a flow's signature (title, position, type,
 * enum, format), built from the parameters the map declares.
 */
import type { JsonSchema, ProcessCatalog } from '../core/types';

const COPIED_KEYWORDS = ['type', 'enum', 'format', 'items', 'minimum', 'maximum'] as const;

export function deploymentSchemas(catalog: ProcessCatalog): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const process of catalog.processes) {
    const properties: Record<string, JsonSchema> = {};
    Object.entries(process.parameters).forEach(([name, fragment], position) => {
      const property: JsonSchema = { title: name, position };
      for (const keyword of COPIED_KEYWORDS) {
        if (fragment[keyword] !== undefined) property[keyword] = fragment[keyword];
      }
      properties[name] = property;
    });
    schemas[process.deployment] = {
      title: 'Parameters',
      type: 'object',
      properties,
      ...(process.required.length > 0 ? { required: process.required } : {}),
    };
  }
  return schemas;
}
