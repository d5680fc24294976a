/**
 * What every listener gets. Listeners stay thin: ack, translate Slack → engine input, call the
 * engine, render the replies.
 */
import type { webApi } from '@slack/bolt';
import type { Engine } from '../../../core/engine-api';
import type { CatalogSource, Directory, Logger, Store } from '../../../core/ports';
import type { Requester } from '../../../core/types';
import type { MessageRefs } from '../message-refs';
import type { PendingApprovals } from '../pending-approvals';
import type { ReplyPoster } from '../reply-poster';
import type { SlackErrorInfo } from '../slack-errors';
import type { ReloadResult } from '../slash-command';
import type { WorkingIndicatorMode } from '../working-indicator';

export interface ProvideInputArgs {
  actor: Requester;
  requestId: string;
  triggerId: string;
  client: webApi.WebClient;
  channel?: string;
}

export interface ListenerDeps {
  engine: Engine;
  store: Store;
  directory: Directory;
  logger: Logger;
  replies: ReplyPoster;
  refs: MessageRefs;
  isAdmin: (userId: string) => boolean;
  now: () => Date;
  /** Process titles for modals opened before the engine is asked (reject reason). */
  catalog?: CatalogSource;
  catalogReload?: () => Promise<ReloadResult>;
  pendingApprovals?: PendingApprovals;
  /** Opens the form of a paused run; wired by the run-input feature. */
  onProvideInput?: (args: ProvideInputArgs) => Promise<void>;
  slashCommand: string;
  workingIndicator: WorkingIndicatorMode;
  /** Show the working indicator only after this long (0: at once). */
  workingIndicatorDelayMs?: number;
  /** Seconds an event id is remembered for dedupe (Slack retries within minutes). */
  eventDedupeTtlSeconds: number;
  /** Time the engine gets on a modal submit before the modal is closed and the answer posted. */
  viewSubmitBudgetMs: number;
  /** Counts Slack API errors (metrics). */
  onApiError?: (method: string, info: SlackErrorInfo) => void;
}
