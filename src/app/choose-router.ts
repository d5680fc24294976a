/**
 * The router: the LLM router (OpenAI-compatible function calling, falling back to the local router)
 * when OPENAI_API_KEY is set and the local router was not asked for; the local router otherwise.
 * Both follow catalog reloads: the routing index is rebuilt when the catalog object changes.
 */
import OpenAI from 'openai';
import { createOpenAiResultAnswerer } from '../adapters/llm/openai-result-answerer';
import { createOpenAiRouter, type OpenAiRouterOptions } from '../adapters/llm/openai-router';
import { type Config, withoutCredentials } from '../config';
import { FlowdeskError } from '../core/errors';
import type { CatalogSource, Logger, ResultAnswerer, Router, Shortlister } from '../core/ports';
import { createLocalRouter } from '../core/routing/local-router';
import { matchAlias } from '../core/routing/match-alias';
import { buildRoutingIndex } from '../core/routing/routing-index';
import type { ProcessCatalog } from '../core/types';

export type RouterMode = 'auto' | 'llm' | 'local';

/** Per-attempt timeout and retries of the model call (tests shorten them; defaults suit production). */
export type LlmTuning = Pick<OpenAiRouterOptions, 'timeoutMs' | 'maxRetries' | 'retryBaseDelayMs'>;

export interface RouterChoice {
  router: Router;
  /** The local retriever (also the LLM's shortlist), for `flowdesk eval`. */
  shortlister: Shortlister;
  kind: 'local' | 'llm';
  description: string;
  /** Answers questions about finished runs with the same client and model (LLM router only). */
  resultAnswerer?: ResultAnswerer;
  /**
   * Builds the routing index for the current maps now, so no message waits for it (a 150-process
   * map takes seconds). chooseRouter does it once; call it again after a reload.
   */
  prepare(): void;
}

export function chooseRouter(
  config: Config,
  catalog: CatalogSource,
  logger: Logger,
  mode: RouterMode,
  onUsage?: (usage: { promptTokens: number; completionTokens: number; model: string }) => void,
  tuning: LlmTuning = {},
): RouterChoice {
  const index = perCatalog(catalog, (current) => buildRoutingIndex(current.processes));
  const shortlister: Shortlister = {
    shortlist: (text, candidates, k) => index().shortlist(text, candidates, k),
  };
  const localFor = perCatalog(catalog, () => createLocalRouter({ index: index() }));
  const local: Router = { route: (input) => localFor().route(input) };
  const prepare = () => void localFor();
  prepare();

  if (mode === 'local')
    return {
      router: local,
      shortlister,
      kind: 'local',
      description: 'local router (--router local)',
      prepare,
    };
  if (!config.OPENAI_API_KEY) {
    if (mode === 'llm') {
      throw new FlowdeskError('config_invalid', '--router llm without OPENAI_API_KEY', {
        userMessage:
          'The LLM router needs OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint). Set it, or use --router local.',
      });
    }
    return {
      router: local,
      shortlister,
      kind: 'local',
      description: 'local router (no OPENAI_API_KEY set)',
      prepare,
    };
  }
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    maxRetries: 0,
  });
  const llm = createOpenAiRouter({
    ...tuning,
    client,
    model: config.FLOWDESK_MODEL,
    shortlister,
    fallback: local,
    logger: logger.child({ component: 'llm-router' }),
    ...(onUsage ? { onUsage } : {}),
  });
  const resultAnswerer = createOpenAiResultAnswerer({
    client,
    model: config.FLOWDESK_MODEL,
    logger,
    ...(tuning.timeoutMs === undefined ? {} : { timeoutMs: tuning.timeoutMs }),
    ...(tuning.maxRetries === undefined ? {} : { maxRetries: tuning.maxRetries }),
    ...(onUsage ? { onUsage } : {}),
  });
  // SPEC §4, cheapest first: an alias is an exact command and needs no model call (nor waits for
  // a model that is down); the local router answers it.
  const router: Router = {
    route: (input) =>
      matchAlias(input.text, input.candidates, input.schemas) ? local.route(input) : llm.route(input),
    callsOut: true,
  };
  const where = config.OPENAI_BASE_URL ? ` at ${withoutCredentials(config.OPENAI_BASE_URL)}` : '';
  return {
    router,
    shortlister,
    resultAnswerer,
    kind: 'llm',
    description: `LLM router (${config.FLOWDESK_MODEL}${where}), local router as fallback`,
    prepare,
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
