/**
 * Small formatting helpers shared by the block builders: parameter values, run states, durations.
 * Everything that comes from users, maps, Prefect or a model is escaped before it reaches mrkdwn.
 */
import type { JsonSchema, RequestRecord, RequestStatus } from '../../../core/types';
import { escapeMrkdwn, LIMITS, truncate } from './limits';

/** "1h 02m", "3m 05s", "12s": the same durations as the progress line of the card. */
export { formatShortDuration as formatDuration } from '../../../core/results/progress';
export { escapeMrkdwn };

const STATE_EMOJI: Record<string, string> = {
  SCHEDULED: ':calendar:',
  PENDING: ':hourglass_flowing_sand:',
  RUNNING: ':arrows_counterclockwise:',
  COMPLETED: ':white_check_mark:',
  FAILED: ':x:',
  CRASHED: ':boom:',
  CANCELLED: ':no_entry_sign:',
  CANCELLING: ':no_entry_sign:',
  PAUSED: ':double_vertical_bar:',
};

const STATUS_LABEL: Record<RequestStatus, { emoji: string; label: string }> = {
  drafted: { emoji: ':memo:', label: 'Draft' },
  awaiting_confirmation: { emoji: ':grey_question:', label: 'Awaiting confirmation' },
  awaiting_approval: { emoji: ':hourglass:', label: 'Awaiting approval' },
  submitting: { emoji: ':rocket:', label: 'Starting' },
  submitted: { emoji: ':rocket:', label: 'Submitted' },
  finished: { emoji: ':checkered_flag:', label: 'Finished' },
  closed: { emoji: ':lock:', label: 'Closed' },
};

export function stateEmoji(stateType: string | undefined): string {
  return (stateType && STATE_EMOJI[stateType]) || ':grey_question:';
}

/** "`:arrows_counterclockwise: Running`" for a run, or the request's own status before there is one. */
export function requestStateLabel(request: RequestRecord): string {
  if (request.run) {
    return `${stateEmoji(request.run.state.type)} ${escapeMrkdwn(request.run.state.name || request.run.state.type)}`;
  }
  const status = STATUS_LABEL[request.status] ?? { emoji: ':grey_question:', label: request.status };
  const reason =
    request.status === 'closed' && request.closedReason ? ` (${escapeMrkdwn(request.closedReason)})` : '';
  return `${status.emoji} ${status.label}${reason}`;
}

/** Elapsed run time: start (or creation) to end (or now). */
export function elapsedMs(request: RequestRecord, now: Date): number {
  const start = Date.parse(request.run?.startedAt ?? request.createdAt);
  const end = request.run?.endedAt ? Date.parse(request.run.endedAt) : now.getTime();
  return Number.isFinite(start) && Number.isFinite(end) ? end - start : 0;
}

/** Slack renders `<!date^…>` in the reader's own time zone. */
export function slackDate(iso: string, fallback?: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeMrkdwn(iso);
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${escapeMrkdwn(fallback ?? iso)}>`;
}

/** A parameter value as short, escaped mrkdwn (objects as compact JSON). */
export function formatValue(value: unknown, max: number = 1500): string {
  if (value === undefined || value === null) return '_none_';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === '') return '_empty_';
  return escapeMrkdwn(truncate(text, max));
}

/** Human label of a parameter: the schema's `title` when it is not just the name again. */
export function parameterLabel(name: string, schema: JsonSchema | undefined): string {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const title = props[name]?.title;
  return typeof title === 'string' && title.trim() !== '' && title !== name ? title : name;
}

/** "*label*\nvalue" fields in schema `position` order, then the rest alphabetically. */
export function parameterFields(values: Record<string, unknown>, schema?: JsonSchema): string[] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const position = (name: string) => {
    const p = props[name]?.position;
    return typeof p === 'number' ? p : Number.MAX_SAFE_INTEGER;
  };
  const names = Object.keys(values).sort((a, b) => position(a) - position(b) || a.localeCompare(b));
  return names.map((name) => {
    const label = escapeMrkdwn(truncate(parameterLabel(name, schema), 200));
    return `*${label}*\n${formatValue(values[name], LIMITS.fieldText - label.length - 10)}`;
  });
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}
