/**
 * Everything an engine operation needs, built once by `createEngine`: the ports, resolved
 * options and the shared helpers (access checks, parameter schemas, validator).
 */
import { createParameterValidator, type ParameterValidator } from '../params/validate-parameters';
import type {
  AuditSink,
  CatalogSource,
  Clock,
  Directory,
  IdGenerator,
  Logger,
  Notifier,
  PrefectPort,
  ResultAnswerer,
  Router,
  Store,
} from '../ports';
import { type Access, createAccess } from './access';
import { createParameterSchemas, type ParameterSchemas } from './parameter-schemas';

/** Optional counters (the Prometheus metrics adapter fits this shape). */
export interface EngineMetrics {
  countRequest(outcome: 'run' | 'ask' | 'out_of_scope' | 'denied' | 'error'): void;
  /** Seconds from a message to its routing decision, by router (alias, local, llm). */
  observeRouting(router: string, seconds: number): void;
  countRunStarted(processId: string): void;
}

export interface EngineDeps {
  catalog: CatalogSource;
  store: Store;
  /** null = dry run: nothing is started, the engine says what it would start. */
  prefect: PrefectPort | null;
  router: Router;
  directory?: Directory;
  notifier: Notifier;
  audit: AuditSink;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Slack user ids with admin rights (act on anyone's request, list all runs). */
  admins: string[];
  /** A thread's remembered context expires after this much inactivity (default 1 day). */
  contextTtlSeconds?: number;
  /** Drafts and unconfirmed requests close after this long (default 1 day). */
  draftTtlMs?: number;
  /** Turns of a thread kept for routing (default 12). */
  maxContextTurns?: number;
  /** A request stuck in `submitting` this long (a crash mid-submit) may be submitted again (default 2 min). */
  submitStaleMs?: number;
  metrics?: EngineMetrics;
  /** Answers questions about a finished run with a model; absent = answered from the run's data alone. */
  resultAnswerer?: ResultAnswerer;
}

export interface EngineContext extends EngineDeps {
  contextTtlSeconds: number;
  draftTtlMs: number;
  maxContextTurns: number;
  submitStaleMs: number;
  access: Access;
  schemas: ParameterSchemas;
  validator: ParameterValidator;
  isAdmin(userId: string, claimed?: boolean): boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createEngineContext(deps: EngineDeps): EngineContext {
  return {
    ...deps,
    contextTtlSeconds: deps.contextTtlSeconds ?? DAY_MS / 1000,
    draftTtlMs: deps.draftTtlMs ?? DAY_MS,
    maxContextTurns: deps.maxContextTurns ?? 12,
    submitStaleMs: deps.submitStaleMs ?? 2 * 60 * 1000,
    access: createAccess({ catalog: deps.catalog, directory: deps.directory }),
    schemas: createParameterSchemas({
      prefect: deps.prefect,
      logger: deps.logger,
      now: () => deps.clock.now().getTime(),
    }),
    validator: createParameterValidator(),
    // Adapters may vouch for admin rights (Slack workspace admins); the configured list always counts.
    isAdmin: (userId, claimed) => claimed === true || deps.admins.includes(userId),
  };
}
