import type { components } from './generated/prefect-api';

/** Prefect's OpenAPI component schemas (generated from openapi.json). */
export type PrefectSchemas = components['schemas'];
