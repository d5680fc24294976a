/**
 * Ports: the interfaces the core talks to. Adapters (Redis, Prefect REST, Slack, OpenAI, terminal)
 * implement them; tests use hand-written fakes. Nothing here does I/O.
 */
import type { RunProgress } from './results/progress';
import type {
  ConversationContext,
  JsonSchema,
  ParameterValues,
  ProcessCatalog,
  ProcessDef,
  Requester,
  RequestRecord,
  RunState,
  ThreadRef,
} from './types';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** Unique, URL-safe, sortable-ish id for requests (used as Prefect idempotency key). */
  newRequestId(): string;
}

/** Minimal logger surface (pino-compatible) so the core never imports pino. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

// ---------------------------------------------------------------- store

export interface Store {
  getContext(thread: ThreadRef): Promise<ConversationContext | null>;
  /** Saves the thread's context (callers cap `turns`); expires after ttlSeconds of inactivity. */
  saveContext(context: ConversationContext, ttlSeconds: number): Promise<void>;

  /**
   * Creates a request; fails (returns false, writes nothing) if the id exists. Indexes it by
   * requester. In the same atomic write, with `expiresAtMs` it also schedules its expiry (as
   * scheduleExpiry does), and with `once` it also claims that key (as claimOnce does): when the key
   * was claimed already, it fails and writes nothing.
   */
  createRequest(
    request: RequestRecord,
    options?: { expiresAtMs?: number; once?: OnceClaim },
  ): Promise<boolean>;
  getRequest(id: string): Promise<RequestRecord | null>;
  /**
   * Atomically replaces the request iff its stored version equals `expectedVersion`.
   * The stored record gets `version = expectedVersion + 1`. One winner under concurrency,
   * across processes sharing the store.
   */
  compareAndSet(next: RequestRecord, expectedVersion: number): Promise<boolean>;
  /** Most recent first. */
  listRequestsByUser(userId: string, limit: number): Promise<RequestRecord[]>;
  listRecentRequests(limit: number): Promise<RequestRecord[]>;

  /** run id -> request id index. */
  indexRun(flowRunId: string, requestId: string): Promise<void>;
  findRequestIdByRun(flowRunId: string): Promise<string | null>;

  /** The set of requests whose runs are followed (not terminal). */
  addFollowed(requestId: string): Promise<void>;
  removeFollowed(requestId: string): Promise<void>;
  listFollowed(limit: number): Promise<string[]>;

  /** Requests that close by themselves at `atMs` unless they move on. */
  scheduleExpiry(requestId: string, atMs: number): Promise<void>;
  cancelExpiry(requestId: string): Promise<void>;
  /** Ids whose expiry time is <= nowMs (not removed: expiry handling is idempotent). */
  dueExpiries(nowMs: number, limit: number): Promise<string[]>;

  /** SET NX with TTL: true the first time a key is claimed (event dedupe). */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** A lease owned by `owner` for ttlMs (renewable by the same owner). */
  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;

  /** Cheap liveness check; throws FlowdeskError('store_unavailable') when down. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- prefect

export interface DeploymentInfo {
  id: string;
  /** deployment name only */
  name: string;
  flowName: string;
  /** Prefect's parameter_openapi_schema (may be null). */
  parameterSchema: JsonSchema | null;
  /** Deployment-level parameter values (Prefect merges run parameters over these). */
  parameters: ParameterValues;
  enforceParameterSchema: boolean;
}

export interface CreateFlowRunInput {
  deploymentId: string;
  parameters: ParameterValues;
  idempotencyKey: string;
  tags: string[];
  name?: string;
  /** ISO UTC; when set the run is created in a SCHEDULED state at that time. */
  scheduledAt?: string;
  stateMessage?: string;
}

export interface RunInputKeyset {
  schema: string;
  description?: string;
  response?: string;
}

export interface FlowRunSnapshot {
  id: string;
  name: string;
  deploymentId: string | null;
  state: RunState;
  tags: string[];
  parameters: ParameterValues;
  startTime?: string;
  endTime?: string;
  /** Set while PAUSED waiting for input. */
  pauseInputKeyset?: RunInputKeyset;
}

export type CancelOutcome =
  | { outcome: 'cancelling' }
  | { outcome: 'cancelled' }
  | { outcome: 'already_terminal'; reason: string }
  | { outcome: 'refused'; reason: string };

export interface RunLogLine {
  timestamp: string;
  level: number;
  message: string;
}

export interface RunArtifact {
  id: string;
  key?: string | null;
  type: string;
  description?: string | null;
  data: unknown;
  created?: string;
}

export type ResumeStatus = 'ACCEPT' | 'REJECT' | 'ABORT' | 'WAIT';

export interface PrefectPort {
  /** `ref` is "<flow name>/<deployment name>". Cached by the adapter. */
  getDeployment(ref: string): Promise<DeploymentInfo>;
  /** Idempotent on idempotencyKey: `created` is false when Prefect returned an existing run. */
  createFlowRun(input: CreateFlowRunInput): Promise<FlowRunSnapshot & { created: boolean }>;
  readFlowRun(id: string): Promise<FlowRunSnapshot>;
  /** One batched request (POST /flow_runs/filter with id.any_). */
  readFlowRuns(ids: string[]): Promise<FlowRunSnapshot[]>;
  /** set_state CANCELLING with force=false, mapping Prefect's ACCEPT / REJECT+CANCELLED / ABORT. */
  cancelFlowRun(id: string, message: string): Promise<CancelOutcome>;
  readLogs(flowRunId: string, options?: { minLevel?: number; limit?: number }): Promise<RunLogLine[]>;
  readArtifacts(flowRunId: string): Promise<RunArtifact[]>;
  readRunInput(flowRunId: string, key: string): Promise<unknown>;
  resumeFlowRun(flowRunId: string, runInput: unknown): Promise<{ status: ResumeStatus; reason?: string }>;
  /** true when the API answers. */
  health(): Promise<boolean>;
  runUrl(flowRunId: string): string;
}

// ---------------------------------------------------------------- routing

export interface RoutingInput {
  text: string;
  requester: Requester;
  thread: ThreadRef;
  /** Remembered turns of this thread, oldest first (already capped). */
  context: ConversationContext | null;
  /** Processes this requester may use here. The router never looks beyond them. */
  candidates: readonly ProcessDef[];
  /** The draft this thread is completing, with the merged parameter schema. */
  pending?: { process: ProcessDef; parameters: ParameterValues; missing: string[] };
  /** Merged parameter schema per candidate id, when known (LLM tool schemas). */
  schemas?: ReadonlyMap<string, JsonSchema>;
  now: Date;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type RouteVia = 'alias' | 'local' | 'llm';

export type RoutingDecision =
  | {
      kind: 'run';
      processId: string;
      /** Values found in the message (not yet defaulted or validated). */
      parameters: ParameterValues;
      via: RouteVia;
      confidence?: number;
      /** ISO UTC time when the user asked to run later ("tomorrow at 9"). */
      scheduledAt?: string;
      notices?: string[];
      usage?: TokenUsage;
    }
  | {
      kind: 'ask';
      question: string;
      processId?: string;
      parameters?: ParameterValues;
      via: RouteVia;
      notices?: string[];
      usage?: TokenUsage;
    }
  | {
      kind: 'out_of_scope';
      /** Closest candidate ids, best first. */
      suggestions: string[];
      text?: string;
      via: RouteVia;
      notices?: string[];
      usage?: TokenUsage;
    };

/** A key claimed once (claimOnce): what makes a message delivered twice count once. */
export interface OnceClaim {
  key: string;
  ttlSeconds: number;
}

export interface Router {
  route(input: RoutingInput): Promise<RoutingDecision>;
  /**
   * True when route() may call a remote service (a model): it is then called only for messages
   * the adapter has admitted (MessageInput.admitted), so a duplicate delivery costs no model call.
   */
  readonly callsOut?: boolean;
}

/** Scores candidates for a message; the local router's retriever, also the LLM's shortlist. */
export interface Shortlister {
  shortlist(
    text: string,
    candidates: readonly ProcessDef[],
    k: number,
  ): Array<{ process: ProcessDef; score: number }>;
}

// ---------------------------------------------------------------- people and outbound UI

export interface Directory {
  /** Name, e-mail and time zone of a user (cached by the adapter). */
  lookupUser(userId: string): Promise<Requester>;
  /** Members of a Slack user group (cached briefly by the adapter). */
  usergroupMembers(usergroupId: string): Promise<string[]>;
}

export type RequestEvent =
  | { kind: 'state_changed' }
  /**
   * The run's progress artifact changed while it is RUNNING (at most one event per run every few
   * seconds, see core/results/progress-gate); undefined progress = no progress value any more.
   */
  | { kind: 'progress'; progress?: RunProgress }
  | { kind: 'finished'; logs: RunLogLine[]; artifacts: RunArtifact[] }
  | { kind: 'paused_for_input'; schema: JsonSchema; description?: string }
  | { kind: 'expired' }
  | { kind: 'cancelled'; by: string }
  | { kind: 'approval_needed' }
  | { kind: 'approved'; by: string }
  | { kind: 'rejected'; by: string; reason?: string };

/** Asynchronous updates to a request's thread (status card edits, result replies). */
export interface Notifier {
  requestChanged(request: RequestRecord, process: ProcessDef | undefined, event: RequestEvent): Promise<void>;
}

export interface AuditRecord {
  action:
    | 'requested'
    | 'confirmed'
    | 'approved'
    | 'rejected'
    | 'started'
    | 'cancelled'
    | 'finished'
    | 'expired'
    | 'edited'
    | 'closed'
    /** A person answered a run paused for input (Prefect accepted it). */
    | 'input_provided';
  requestId: string;
  processId: string;
  actor: string;
  at: string;
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(entry: AuditRecord): void;
}

// ---------------------------------------------------------------- answers about results

/** One chat message of a prompt (OpenAI-shaped, typed here so the core stays free of the SDK). */
export interface ChatPromptMessage {
  role: 'system' | 'user';
  content: string;
}

/**
 * Answers a question about a finished run with a language model. The core builds the messages
 * (the run's data fenced as data, capped: core/results/result-question-prompt); the adapter only
 * sends them. Returns the model's Markdown; throws when the model is unavailable or answers
 * nothing usable (the core then answers without it).
 */
export interface ResultAnswerer {
  answer(messages: readonly ChatPromptMessage[]): Promise<{ markdown: string; usage?: TokenUsage }>;
}

/** Supplies the current catalog (replaced on reload). */
export interface CatalogSource {
  current(): ProcessCatalog;
}
