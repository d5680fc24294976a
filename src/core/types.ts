/**
 * Domain types shared by the core and every adapter. Glossary (see README):
 * - process: an entry of a process map, one Prefect deployment people may request.
 * - request: one user's ask for one process, from draft to terminal state (id = Prefect idempotency key).
 * - run: the Prefect flow run a request created.
 * - thread: the conversation a request lives in (a Slack thread, or a terminal session).
 */

export type JsonSchema = Record<string, unknown>;
export type ParameterValues = Record<string, unknown>;

/** Where a value came from in a YAML file: used for `file:line: message` reports. */
export interface SourceRef {
  file: string;
  line: number;
}

export interface AccessList {
  users?: string[];
  usergroups?: string[];
  channels?: string[];
}

export interface ApprovalPolicy {
  approvers: { users: string[]; usergroups: string[] };
  minApprovals: number;
  selfApproval: boolean;
  /** Milliseconds after which an unapproved request closes. */
  expiresAfterMs: number;
}

export interface ResultsPolicy {
  /** Artifact keys to show; absent = all. */
  keys?: string[];
  upload: boolean;
  /** e.g. "Dashboard {{parameters.quarter}} refreshed: {{artifacts.row_count}} rows" */
  summary?: string;
}

export interface ProcessDef {
  id: string;
  title: string;
  description: string;
  /** "<flow name>/<deployment name>" */
  deployment: string;
  examples: string[];
  /** e.g. "reset vpn for {user_email}" */
  aliases: string[];
  /** JSON Schema fragments per parameter name, merged over the deployment's parameter_openapi_schema. */
  parameters: Record<string, JsonSchema>;
  /** Parameter names the map marks as required (in addition to the deployment's `required`). */
  required: string[];
  access?: AccessList;
  approval?: ApprovalPolicy;
  confirm: boolean;
  tags: string[];
  results?: ResultsPolicy;
  source: SourceRef;
}

export interface ProcessCatalog {
  processes: readonly ProcessDef[];
  byId: ReadonlyMap<string, ProcessDef>;
  /** Files the catalog was loaded from. */
  files: readonly string[];
}

export interface Requester {
  id: string;
  name: string;
  email?: string;
  /** IANA time zone, e.g. "Europe/Paris". */
  tz: string;
  /** Slack user group ids the user belongs to (filled by the access layer when needed). */
  usergroups?: string[];
}

/** Where a conversation happens. For the terminal, channel = "terminal" and threadTs = session id. */
export interface ThreadRef {
  channel: string;
  threadTs: string;
  /** true for a direct message with the bot. */
  isDm: boolean;
}

export type RequestStatus =
  | 'drafted'
  | 'awaiting_confirmation'
  | 'awaiting_approval'
  /** a worker won the right to create the run and is creating it */
  | 'submitting'
  /** the flow run exists; flowdesk follows its Prefect states */
  | 'submitted'
  /** the run reached a terminal Prefect state */
  | 'finished'
  /** closed before a run existed (cancelled, expired, rejected) */
  | 'closed';

export type PrefectStateType =
  | 'SCHEDULED'
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'CRASHED'
  | 'PAUSED'
  | 'CANCELLING';

export const TERMINAL_STATE_TYPES: readonly PrefectStateType[] = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'CRASHED',
];

export function isTerminalState(type: PrefectStateType | string | undefined): boolean {
  return type !== undefined && (TERMINAL_STATE_TYPES as readonly string[]).includes(type);
}

export interface RunState {
  type: PrefectStateType;
  name: string;
  /** ISO time the state was entered (Prefect's state timestamp). */
  timestamp: string;
  message?: string;
}

export interface RunInfo {
  flowRunId: string;
  flowRunName?: string;
  deploymentId: string;
  url: string;
  state: RunState;
  startedAt?: string;
  endedAt?: string;
}

export interface Approval {
  userId: string;
  at: string;
  /** The approver's display name when they approved (for the Prefect run name and messages). */
  name?: string;
}

/** Adapter-owned references to messages (e.g. Slack channel + ts of the card). */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface RequestRecord {
  /** Also the Prefect idempotency key. */
  id: string;
  processId: string;
  parameters: ParameterValues;
  requester: Requester;
  thread: ThreadRef;
  status: RequestStatus;
  /** Incremented on every write: the compare-and-set token. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** When an unconfirmed / unapproved request closes by itself. */
  expiresAt?: string;
  /** ISO UTC time for a SCHEDULED run ("run it tomorrow at 9"). */
  scheduledAt?: string;
  approvals: Approval[];
  rejectedBy?: string;
  /** Who pressed Run (the requester or an admin). */
  confirmedBy?: string;
  closedReason?: string;
  cancelledBy?: string;
  run?: RunInfo;
  /** Named message references: `card`, `status`, `approval`, ... */
  messages: Record<string, MessageRef>;
}

/** A message in a thread's remembered context (capped). */
export interface ContextTurn {
  role: 'user' | 'bot';
  text: string;
  at: string;
}

export interface ConversationContext {
  thread: ThreadRef;
  turns: ContextTurn[];
  /** The request this thread is filling in or has last shown, if any. */
  pendingRequestId?: string;
  /** Parameters the bot is waiting for (asked in the last question). */
  awaitingParameters?: string[];
  updatedAt: string;
}
