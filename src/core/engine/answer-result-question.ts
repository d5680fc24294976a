/**
 * Follow-ups about a finished request in its thread ("what failed?", "show me the table again",
 * "summarise it"): answered from the run's state, logs and artifacts — by the model when one is
 * configured (the run data goes into the prompt as capped, fenced data), otherwise by
 * `answerFromResult`. Whether a message is such a question is decided in two steps (see
 * handle-message): a message that is clearly a question about the result is answered without
 * routing; any other message is routed first, and answered here only when routing finds no new
 * process and the message still reads like a question.
 */
import type { MessageInput, Reply } from '../engine-api';
import type { RoutingDecision, RunArtifact, RunLogLine } from '../ports';
import { answerFromResult, detectIntent } from '../results/result-answer';
import { buildResultQuestionMessages } from '../results/result-question-prompt';
import type { ConversationContext, ProcessDef, RequestRecord } from '../types';
import { saveConversation } from './conversation';
import type { EngineContext } from './engine-context';

export type ResultAnswerReply = Extract<Reply, { kind: 'result_answer' }>;

export interface FinishedThreadRequest {
  request: RequestRecord;
  process: ProcessDef | undefined;
}

const MAX_QUESTION_CHARS = 300;
const LOG_LIMIT = 200;
export const PREFECT_UNREADABLE_NOTE =
  "I could not read this run's logs and artifacts from Prefect just now; this is what flowdesk remembers.";
export const MODEL_UNAVAILABLE_NOTE =
  'The language model is unavailable right now, so this answer comes straight from the run’s data.';

/** Courtesy words people put before a question. */
const LEAD_IN = String.raw`(?:(?:hey|hi|ok|okay|so|and|also|thanks|thank you|please|pls|cool|great|sorry)[\s,!.]+)*`;
const ASK_VERBS =
  '(?:can|could|would|will) you (?:please )?(?:show|give|send|list|summari[sz]e|explain|tell|share|post)';
const QUESTION_START = new RegExp(
  String.raw`^${LEAD_IN}(?:what|what's|whats|why|which|where|when|how|who|did|does|do|is|was|were|are|has|have|${ASK_VERBS}|show|give me|send me|list|summari[sz]e|recap|explain|tell me|tl;?dr)\b`,
  'i',
);
const REFERS_TO_RUN = /\b(it|that|this|the (?:run|job|flow|report|result|results|output|outcome))\b/i;
/** Words that ask for something to be done: those messages go to the router first. */
const ACTION_WORDS =
  /\b(re-?run|run it|start|restart|reset|refresh|rebuild|backfill|retry|cancel|stop|trigger|deploy|reload|create|make it|change|schedule)\b/i;

/** The finished request this thread last showed, when the asker may see its result. */
export async function finishedRequestOf(
  ctx: EngineContext,
  conversation: ConversationContext | null,
  input: MessageInput,
  candidates: readonly ProcessDef[],
): Promise<FinishedThreadRequest | undefined> {
  const id = conversation?.pendingRequestId;
  if (!id) return undefined;
  const request = await ctx.store.getRequest(id);
  if (!request?.run || request.status !== 'finished') return undefined;
  const sameThread =
    request.thread.channel === input.thread.channel && request.thread.threadTs === input.thread.threadTs;
  if (!sameThread) return undefined;
  // The result is already in the thread, but logs may say more: only people who may request the
  // process here (or its requester, or an admin) get answers about it.
  const mayAsk =
    request.requester.id === input.requester.id ||
    ctx.isAdmin(input.requester.id) ||
    candidates.some((process) => process.id === request.processId);
  if (!mayAsk) return undefined;
  return { request, process: ctx.catalog.current().byId.get(request.processId) };
}

/** "what failed?", "show me the table again", "summarise it", "did it work?" — not "restart it". */
export function isClearResultQuestion(text: string): boolean {
  const t = String(text ?? '').trim();
  if (t === '' || t.length > MAX_QUESTION_CHARS || ACTION_WORDS.test(t)) return false;
  const asks = QUESTION_START.test(t) || t.endsWith('?');
  return asks && (detectIntent(t) !== 'overview' || REFERS_TO_RUN.test(t));
}

/** Looser: after routing found no process, any question-like message is about the result. */
export function looksLikeQuestion(text: string): boolean {
  const t = String(text ?? '').trim();
  if (t === '' || t.length > MAX_QUESTION_CHARS) return false;
  return QUESTION_START.test(t) || t.endsWith('?') || detectIntent(t) !== 'overview';
}

export async function answerResultQuestion(
  ctx: EngineContext,
  found: FinishedThreadRequest,
  question: string,
): Promise<ResultAnswerReply> {
  const { request, process } = found;
  const run = request.run;
  const data = await readRunData(ctx, run?.flowRunId);
  const runUrl = run?.url;
  const base = {
    kind: 'result_answer' as const,
    requestId: request.id,
    processId: request.processId,
    ...(runUrl ? { runUrl } : {}),
  };
  if (ctx.resultAnswerer && data.readable) {
    const markdown = await askModel(ctx, question, found, data, runUrl);
    if (markdown) return { ...base, text: gist(markdown), answer: { via: 'model', markdown } };
  }
  const result = answerFromResult(question, { request, process, logs: data.logs, artifacts: data.artifacts });
  const extra = !data.readable
    ? PREFECT_UNREADABLE_NOTE
    : ctx.resultAnswerer
      ? MODEL_UNAVAILABLE_NOTE
      : undefined;
  const note = [result.note, extra].filter(Boolean).join(' ');
  return {
    ...base,
    text: result.headline,
    answer: { via: 'local', result: note ? { ...result, note } : result },
  };
}

interface RunData {
  logs: RunLogLine[];
  artifacts: RunArtifact[];
  /** false when Prefect could not be read (the answer says so). */
  readable: boolean;
}

async function readRunData(ctx: EngineContext, flowRunId: string | undefined): Promise<RunData> {
  if (!ctx.prefect || !flowRunId) return { logs: [], artifacts: [], readable: false };
  const prefect = ctx.prefect;
  let readable = true;
  const failed = (what: string) => (error: unknown) => {
    readable = false;
    ctx.logger.warn({ flowRunId, err: (error as Error)?.message }, `result question: could not read ${what}`);
    return [];
  };
  const [logs, artifacts] = await Promise.all([
    prefect.readLogs(flowRunId, { limit: LOG_LIMIT }).catch(failed('logs')),
    prefect.readArtifacts(flowRunId).catch(failed('artifacts')),
  ]);
  return { logs, artifacts, readable };
}

async function askModel(
  ctx: EngineContext,
  question: string,
  found: FinishedThreadRequest,
  data: RunData,
  runUrl: string | undefined,
): Promise<string | undefined> {
  const messages = buildResultQuestionMessages(question, {
    request: found.request,
    ...(found.process ? { process: found.process } : {}),
    logs: data.logs,
    artifacts: data.artifacts,
    ...(runUrl ? { runUrl } : {}),
  });
  try {
    const { markdown } = (await ctx.resultAnswerer?.answer(messages)) ?? { markdown: '' };
    return markdown.trim() || undefined;
  } catch (error) {
    ctx.logger.warn(
      { requestId: found.request.id, err: (error as Error)?.message },
      'result question: model unavailable, answering from the run data',
    );
    return undefined;
  }
}

/** The first line of the model's answer, for the fallback text and the thread's memory. */
function gist(markdown: string): string {
  const line = markdown.split('\n').find((l) => l.trim() !== '') ?? markdown;
  const plain = line.replace(/[*_`>#]/g, '').trim();
  return plain.length > 300 ? `${plain.slice(0, 299)}…` : plain;
}

/** After routing: no new process was found (a run, or a question about one) and it reads like a question. */
export function answersInstead(decision: RoutingDecision, text: string): boolean {
  if (decision.kind === 'run') return false;
  if (decision.kind === 'ask' && decision.processId) return false;
  return looksLikeQuestion(text);
}

/** Answers and remembers the turn; the thread keeps pointing at the same request. */
export async function replyAboutResult(
  ctx: EngineContext,
  input: MessageInput,
  conversation: ConversationContext | null,
  found: FinishedThreadRequest,
): Promise<Reply[]> {
  const replies: Reply[] = [await answerResultQuestion(ctx, found, input.text)];
  await saveConversation(ctx, input.thread, conversation, input.text, replies, {});
  return replies;
}
