/**
 * The one API the chat adapters (Slack, terminal) call. The same engine drives both, so a
 * conversation in the terminal and one in Slack take the same decisions.
 */
import type { OnceClaim } from './ports';
import type { ResultAnswer } from './results/result-answer';
import type { JsonSchema, ParameterValues, ProcessDef, Requester, RequestRecord, ThreadRef } from './types';

export interface Suggestion {
  processId: string;
  title: string;
  example?: string;
}

/** What the adapter should show in the thread, in order. */
export type Reply =
  | { kind: 'text'; text: string }
  /** A question to the user (missing parameter, clarification). */
  | { kind: 'question'; text: string; requestId?: string }
  /** Confirmation card: Run / Edit / Cancel. */
  | { kind: 'confirmation'; request: RequestRecord; process: ProcessDef; schema: JsonSchema; dryRun: boolean }
  /** The request's status card (posted once, then edited by the Notifier). */
  | { kind: 'status'; request: RequestRecord; process: ProcessDef }
  | { kind: 'out_of_scope'; text: string; suggestions: Suggestion[] }
  | { kind: 'denied'; text: string }
  /** Something went wrong or was refused; safe to show. */
  | { kind: 'error'; text: string; code: string }
  /**
   * An answer to a question about a finished request's run ("what failed?", "show me the table
   * again"): the model's Markdown, or a structured answer built from the run's state, logs and
   * artifacts. `text` is a plain one-line gist (fallback text, conversation memory).
   */
  | {
      kind: 'result_answer';
      requestId: string;
      processId: string;
      text: string;
      runUrl?: string;
      answer: { via: 'model'; markdown: string } | { via: 'local'; result: ResultAnswer };
    };

export interface MessageInput {
  requester: Requester;
  thread: ThreadRef;
  text: string;
  /** When false, the adapter already knows the bot is not part of this thread. */
  mentioned?: boolean;
  /**
   * When given, the writes the replies do not depend on (remembering the turn, the audit line) are
   * handed over instead of done, so the adapter can post the replies first and run these after.
   * The request itself (and its expiry) is always stored before the replies are returned.
   */
  defer?: (bookkeeping: () => Promise<void>) => void;
  /**
   * Names this message for once-only handling: a delivery whose name was claimed before (a retry,
   * the same message under another event) changes nothing and gets no replies. Absent: always new.
   */
  once?: OnceClaim;
  /** The message is the root of its thread: no earlier turn exists, so none is read. */
  startsThread?: boolean;
}

export interface EditForm {
  request: RequestRecord;
  process: ProcessDef;
  /** Merged JSON Schema of the process parameters (Prefect's + the map's). */
  schema: JsonSchema;
}

export type EditResult =
  | { ok: true; replies: Reply[] }
  /** Per-parameter error messages (shown in the modal); nothing changed. */
  | { ok: false; errors: Record<string, string> };

export interface ActionInput {
  actor: Requester;
  requestId: string;
  /** Channel where the click happened (access lists by channel). */
  channel?: string;
  isAdmin?: boolean;
  /**
   * Approve: the fingerprint of what the clicked approval card showed (`approvalSubject`); the
   * approval is refused when the request has changed since. Absent = not checked.
   */
  expectedSubject?: string;
}

export interface RunSummary {
  request: RequestRecord;
  process?: ProcessDef;
}

export interface Engine {
  handleMessage(input: MessageInput): Promise<Reply[]>;
  /** "Run" on a confirmation card. */
  confirm(input: ActionInput): Promise<Reply[]>;
  /** "Cancel" on a card, or `/flowdesk cancel <id>` (cancels the Prefect run when one exists). */
  cancel(input: ActionInput): Promise<Reply[]>;
  /** Data for the "Edit" modal; throws FlowdeskError when not allowed. */
  editForm(input: ActionInput): Promise<EditForm>;
  /** Submit of the edit modal: values are validated against the merged schema. */
  submitEdit(input: ActionInput & { values: ParameterValues }): Promise<EditResult>;
  approve(input: ActionInput): Promise<Reply[]>;
  reject(input: ActionInput & { reason?: string }): Promise<Reply[]>;
  /** Requests for `/flowdesk runs`: the actor's, or everyone's for admins with all=true. */
  listRuns(
    actor: Requester,
    options: { all: boolean; isAdmin: boolean; limit?: number },
  ): Promise<RunSummary[]>;
  /** `/flowdesk status <id>`: id is a request id or a flow run id. */
  status(actor: Requester, id: string, isAdmin: boolean): Promise<RunSummary>;
  /** Processes the actor may request here (for `/flowdesk list` and App Home). */
  listProcesses(actor: Requester, channel?: string): Promise<ProcessDef[]>;
}
