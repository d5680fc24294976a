/**
 * Notifier over Slack: what the core reports asynchronously becomes edits of the request's cards
 * and replies in its thread. It never throws back into the core: a Slack failure is logged and the
 * request's state (already saved by the core) stays the truth.
 *
 * Who says what: replies to a person's own action (a click, a command) are the engine's return
 * value, rendered by the listener. The notifier edits cards (status, confirmation, approval) and
 * posts only what nobody asked for at that moment: the result, the approval requests, the input
 * prompt of a paused run, and an expiry notice.
 */
import type { Directory, Logger, Notifier, RequestEvent, Store } from '../../core/ports';
import type { ProcessDef, RequestRecord } from '../../core/types';
import { approvalCard } from './blocks/approval-card';
import { confirmationCard, type SlackMessage } from './blocks/confirmation-card';
import { escapeMrkdwn, mention } from './blocks/format';
import { section, truncate } from './blocks/limits';
import { resultMessage } from './blocks/result-message';
import { inputRequestMessage } from './blocks/simple-messages';
import { type MessageRefs, REF } from './message-refs';
import type { SlackDelivery } from './slack-delivery';
import type { StatusMessages } from './status-messages';

const MAX_APPROVER_DMS = 50;
/** Keys guarding one-off posts live a week: longer than any request stays open. */
const ONCE_TTL_SECONDS = 7 * 24 * 3600;

export interface SlackNotifierOptions {
  delivery: SlackDelivery;
  refs: MessageRefs;
  status: StatusMessages;
  directory: Directory;
  store: Store;
  logger: Logger;
  now: () => Date;
  /** Permalink of a thread for the DM approval cards (chat.getPermalink); optional. */
  permalink?: (channel: string, ts: string) => Promise<string | undefined>;
  /** Uploads the run's result files into the thread (maps with `results.upload: true`). */
  uploadFiles?: (request: RequestRecord, artifacts: FinishedEvent['artifacts']) => Promise<void>;
}

export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const { delivery, refs, store, logger } = options;

  const claim = async (key: string) => {
    try {
      return await store.claimOnce(key, ONCE_TTL_SECONDS);
    } catch (error) {
      // Without the store we cannot tell duplicates apart; posting twice beats staying silent.
      logger.warn({ key, err: error }, 'claimOnce failed; posting anyway');
      return true;
    }
  };

  const postInThread = (request: RequestRecord, message: SlackMessage) =>
    delivery.post({ channel: request.thread.channel, thread_ts: request.thread.threadTs, ...message });

  function updateRef(key: string, requestId: string, refKey: string, message: () => SlackMessage): void {
    delivery.scheduleUpdate(`${key}:${requestId}:${refKey}`, async () => {
      const ref = await refs.get(requestId, refKey);
      return ref ? { ref, ...message() } : undefined;
    });
  }

  /** Confirmation and approval cards lose their buttons and say what happened. */
  async function settleCards(request: RequestRecord, process: ProcessDef | undefined, resolution: string) {
    updateRef('card', request.id, REF.card, () =>
      process
        ? confirmationCard({ request, process, resolution })
        : { text: resolution, blocks: [section(resolution)] },
    );
    await updateApprovalCards(request, process, resolution);
  }

  async function updateApprovalCards(
    request: RequestRecord,
    process: ProcessDef | undefined,
    resolution?: string,
  ) {
    const render = () =>
      process
        ? approvalCard({ request, process, resolution })
        : { text: resolution ?? 'Approval', blocks: [section(resolution ?? 'Approval pending')] };
    for (const { key } of await refs.list(request.id, REF.approval))
      updateRef('approval', request.id, key, render);
  }

  /** Earlier approval cards: their refs are captured now, before a new round overwrites them. */
  async function supersedeApprovalCards(request: RequestRecord): Promise<void> {
    const text = ':arrows_counterclockwise: Superseded by a newer approval request below.';
    for (const { ref } of await refs.list(request.id, REF.approval)) {
      delivery.scheduleUpdate(`approval-old:${ref.channel}:${ref.ts}`, async () => ({
        ref,
        text,
        blocks: [section(text)],
      }));
    }
  }

  async function approvers(request: RequestRecord, process: ProcessDef): Promise<string[]> {
    const policy = process.approval;
    if (!policy) return [];
    const ids = new Set(policy.approvers.users);
    for (const group of policy.approvers.usergroups) {
      for (const member of await options.directory.usergroupMembers(group)) ids.add(member);
    }
    if (!policy.selfApproval) ids.delete(request.requester.id);
    return [...ids].slice(0, MAX_APPROVER_DMS);
  }

  async function requestApprovals(request: RequestRecord, process: ProcessDef | undefined): Promise<void> {
    if (!process) {
      logger.warn({ requestId: request.id }, 'approval_needed for an unknown process; no cards posted');
      return;
    }
    if (!(await claim(`slack:approval-posted:${request.id}:v${request.version}`))) return;
    // A new round (parameters changed after an approval) supersedes the earlier cards.
    await supersedeApprovalCards(request);
    const threadLink = await options
      .permalink?.(request.thread.channel, request.thread.threadTs)
      .catch(() => undefined);
    const inThread = await postInThread(request, approvalCard({ request, process }));
    if (inThread) await refs.save(request.id, REF.approval, inThread);
    for (const userId of await approvers(request, process)) {
      const ref = await delivery.post({ channel: userId, ...approvalCard({ request, process, threadLink }) });
      if (ref) await refs.save(request.id, REF.approvalDm(userId), ref);
    }
  }

  async function finished(request: RequestRecord, process: ProcessDef | undefined, event: FinishedEvent) {
    await options.status.show(request, process);
    const run = request.run;
    const key = `slack:result:${request.id}:${run?.flowRunId ?? 'none'}:${run?.state.type ?? ''}:${run?.state.timestamp ?? ''}`;
    if (!(await claim(key))) return;
    await postInThread(
      request,
      resultMessage({ request, process, logs: event.logs, artifacts: event.artifacts, now: options.now() }),
    );
    if (process?.results?.upload && run?.state.type === 'COMPLETED' && options.uploadFiles) {
      await options.uploadFiles(request, event.artifacts);
    }
  }

  async function paused(request: RequestRecord, process: ProcessDef | undefined, description?: string) {
    await options.status.show(request, process);
    if (!(await claim(`slack:input:${request.id}:${request.run?.state.timestamp ?? request.version}`)))
      return;
    const ref = await postInThread(request, inputRequestMessage(request, process, description));
    if (ref) await refs.save(request.id, REF.input, ref);
  }

  async function expired(request: RequestRecord, process: ProcessDef | undefined) {
    await settleCards(request, process, ':alarm_clock: This request expired.');
    if (!(await claim(`slack:expired:${request.id}`))) return;
    const title = escapeMrkdwn(truncate(process?.title ?? request.processId, 200));
    const waiting = request.status === 'closed' && request.approvals.length > 0 ? 'approval' : 'a decision';
    await postInThread(request, {
      text: `Your request ${process?.title ?? request.processId} expired.`,
      blocks: [
        section(
          `:alarm_clock: ${mention(request.requester.id)} your request *${title}* expired while waiting for ${waiting}. Ask again if you still need it.`,
        ),
      ],
    });
  }

  /** The requester is told in their thread (a mention notifies them), with the approver's reason. */
  async function rejected(
    request: RequestRecord,
    process: ProcessDef | undefined,
    by: string,
    reason: string,
  ) {
    if (!(await claim(`slack:rejected:${request.id}`))) return;
    const title = escapeMrkdwn(truncate(process?.title ?? request.processId, 200));
    await postInThread(request, {
      text: `Your request ${process?.title ?? request.processId} was rejected.`,
      blocks: [
        section(
          `:x: ${mention(request.requester.id)} your request *${title}* was rejected by ${mention(by)}.${reason}`,
        ),
      ],
    });
  }

  /** A status card posted before the run existed (e.g. "awaiting approval") follows every decision. */
  async function refreshStatusIfPosted(request: RequestRecord, process: ProcessDef | undefined) {
    if (await refs.get(request.id, REF.status)) await options.status.show(request, process);
  }

  async function dispatch(request: RequestRecord, process: ProcessDef | undefined, event: RequestEvent) {
    if (event.kind === 'approved' || event.kind === 'rejected' || event.kind === 'expired') {
      await refreshStatusIfPosted(request, process);
    }
    switch (event.kind) {
      case 'state_changed':
        if (request.run || request.status === 'submitting' || request.status === 'submitted') {
          await options.status.show(request, process);
        }
        return;
      case 'progress':
        return options.status.showProgress(request, process, event.progress);
      case 'finished':
        return finished(request, process, event);
      case 'paused_for_input':
        return paused(request, process, event.description);
      case 'expired':
        return expired(request, process);
      case 'cancelled':
        await settleCards(request, process, `:no_entry_sign: Cancelled by ${mention(event.by)}.`);
        if (request.run) await options.status.show(request, process);
        else await refreshStatusIfPosted(request, process);
        return;
      case 'approval_needed':
        return requestApprovals(request, process);
      case 'approved': {
        const done = request.status !== 'awaiting_approval';
        await updateApprovalCards(
          request,
          process,
          done ? `:white_check_mark: Approved by ${mention(event.by)}.` : undefined,
        );
        return;
      }
      case 'rejected': {
        const reason = event.reason ? `\n> ${escapeMrkdwn(truncate(event.reason, 500))}` : '';
        await settleCards(request, process, `:x: Rejected by ${mention(event.by)}.${reason}`);
        return rejected(request, process, event.by, reason);
      }
    }
  }

  return {
    async requestChanged(request, process, event) {
      try {
        await dispatch(request, process, event);
      } catch (error) {
        logger.error({ requestId: request.id, event: event.kind, err: error }, 'Slack notifier failed');
      }
    },
  };
}

type FinishedEvent = Extract<RequestEvent, { kind: 'finished' }>;
