/**
 * The terminal's Notifier: prints a line when a request of this session changes — the run's
 * state with its duration (⏳ Running (3s)), the result (✅ Completed / ❌ Failed: … with the last
 * log lines), approvals and expiry. Updates for other sessions' requests are not printed.
 */
import type { Clock, Notifier, RequestEvent, RunArtifact, RunLogLine } from '../../core/ports';
import { describeProgress } from '../../core/results/progress';
import type { ProcessDef, RequestRecord, RunInfo } from '../../core/types';
import { bot } from './render-reply';

export interface TerminalNotifierOptions {
  print: (line: string) => void;
  clock: Clock;
  /** Only requests of this terminal session are shown. */
  threadTs: string;
}

export function createTerminalNotifier(options: TerminalNotifierOptions): Notifier {
  const lastLine = new Map<string, string>();
  return {
    async requestChanged(request, process, event) {
      if (request.thread.threadTs !== options.threadTs) return;
      const lines = describeEvent(request, process, event, options.clock.now());
      if (lines.length === 0 || lastLine.get(request.id) === lines[0]) return;
      lastLine.set(request.id, lines[0]);
      for (const line of lines) options.print(line);
    },
  };
}

export function describeEvent(
  request: RequestRecord,
  process: ProcessDef | undefined,
  event: RequestEvent,
  now: Date,
): string[] {
  const title = process?.title ?? request.processId;
  switch (event.kind) {
    case 'state_changed':
      return request.run
        ? [bot(stateLine(request.run, now))]
        : [bot(`“${title}” is ${request.status.replace(/_/g, ' ')}.`)];
    case 'progress':
      return event.progress && request.run?.state.type === 'RUNNING'
        ? [bot(`⏳ ${describeProgress(event.progress, request.run.startedAt, now)}`)]
        : [];
    case 'finished':
      return request.run ? finishedLines(request.run, event.logs, event.artifacts) : [];
    case 'paused_for_input':
      return [
        bot(
          `⏸  Paused: the run waits for input${event.description ? ` (${event.description})` : ''}. Type /input to see the form and answer it (or use Prefect: ${request.run?.url ?? ''})`,
        ),
      ];
    case 'expired':
      return [bot(`⌛ Request ${request.id} (“${title}”) expired; nothing was started.`)];
    case 'cancelled':
      return [bot(`🚫 “${title}” cancelled by ${event.by}.`)];
    case 'approval_needed':
      return [bot(`🔔 “${title}” needs approval. An approver can type: /as <approver id> then /approve`)];
    case 'approved':
      return [bot(`👍 Approved by ${event.by}.`)];
    case 'rejected':
      return [bot(`👎 Rejected by ${event.by}${event.reason ? `: ${event.reason}` : ''}.`)];
  }
}

function stateLine(run: RunInfo, now: Date): string {
  const { type, name } = run.state;
  if (type === 'SCHEDULED') return `🕒 ${name}`;
  if (type === 'PAUSED') return `⏸  ${name}`;
  const since = run.startedAt ?? run.state.timestamp;
  return `⏳ ${name} (${formatDuration(now.getTime() - Date.parse(since))})`;
}

function finishedLines(run: RunInfo, logs: RunLogLine[], artifacts: RunArtifact[]): string[] {
  const duration =
    run.startedAt && run.endedAt
      ? ` in ${formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))}`
      : '';
  const { type, name, message } = run.state;
  const artifactLines = artifacts.map(
    (a) => `   📎 ${a.key ?? a.type}${a.description ? `: ${a.description}` : ''}`,
  );
  if (type === 'COMPLETED') return [bot(`✅ ${name}${duration}`), ...artifactLines, `   ${run.url}`];
  if (type === 'CANCELLED') return [bot(`🚫 ${name}${message ? `: ${message}` : ''}`)];
  return [
    bot(`❌ ${name}${message ? `: ${message}` : ''}`),
    ...logs.map((line) => `   │ ${line.message.split('\n')[0]}`),
    `   ${run.url}`,
  ];
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
