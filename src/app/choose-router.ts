/**
 * The router: the LLM router (OpenAI-compatible function calling, falling back to the local router)
 * when OPENAI_API_KEY is set and the local router was not asked for; the local router otherwise.
 * Both follow catalog reloads: the routing index is rebuilt when the catalog object changes.
 */
import OpenAI from 'openai';
import { createOpenAiRouter } from '../adapters/llm/openai-router';
import type { Config } from '../config';
import { FlowdeskError } from '../core/errors';
import type { CatalogSource, Logger, Router, Shortlister } from '../core/ports';
import { createLocalRouter } from '../core/routing/local-router';
import { buildRoutingIndex } from '../core/routing/routing-index';
import type { ProcessCatalog } from '../core/types';

export type RouterMode = 'auto' | 'llm' | 'local';

export interface RouterChoice {
  router: Router;
  /** The local retriever (also the LLM's shortlist), for `flowdesk eval`. */
  shortlister: Shortlister;
  kind: 'local' | 'llm';
  description: string;
}

export function chooseRouter(
  config: Config,
  catalog: CatalogSource,
  logger: Logger,
  mode: RouterMode,
  onUsage?: (usage: { promptTokens: number; completionTokens: number; model: string }) => void,
): RouterChoice {
  const index = perCatalog(catalog, (current) => buildRoutingIndex(current.processes));
  const shortlister: Shortlister = {
    shortlist: (text, candidates, k) => index().shortlist(text, candidates, k),
  };
  const localFor = perCatalog(catalog, () => createLocalRouter({ index: index() }));
  const local: Router = { route: (input) => localFor().route(input) };

  if (mode === 'local')
    return { router: local, shortlister, kind: 'local', description: 'local router (--router local)' };
  if (!config.OPENAI_API_KEY) {
    if (mode === 'llm') {
      throw new FlowdeskError('config_invalid', '--router llm without OPENAI_API_KEY', {
        userMessage:
          'The LLM router needs OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint). Set it, or use --router local.',
      });
    }
    return { router: local, shortlister, kind: 'local', description: 'local router (no OPENAI_API_KEY set)' };
  }
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    maxRetries: 0,
  });
  const router = createOpenAiRouter({
    client,
    model: config.FLOWDESK_MODEL,
    shortlister,
    fallback: local,
    logger: logger.child({ component: 'llm-router' }),
    ...(onUsage ? { onUsage } : {}),
  });
  const where = config.OPENAI_BASE_URL ? ` at ${config.OPENAI_BASE_URL}` : '';
  return {
    router,
    shortlister,
    kind: 'llm',
    description: `LLM router (${config.FLOWDESK_MODEL}${where}), local router as fallback`,
  };
}

/** Something derived from the catalog, rebuilt only when the catalog is replaced (reload). */
function perCatalog<T>(catalog: CatalogSource, build: (current: ProcessCatalog) => T): () => T {
  let source: ProcessCatalog | undefined;
  let value: T | undefined;
  return () => {
    const current = catalog.current();
    if (current !== source || value === undefined) {
      value = build(current);
      source = current;
    }
    return value;
  };
}
