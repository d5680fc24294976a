/**
 * "Run it tomorrow at 9", "tonight at 22:00", "restart search at 6pm": when the user says WHEN to run.
 * Deliberately conservative, because a wrong schedule silently delays work:
 * - the expression must name a clock time ("at 9", "22:00", "6pm") or a delay ("in 2 hours");
 *   "tomorrow" alone has no time and is not a schedule;
 * - it must read as an adverb of the request, not as data: "since/from/until/for … 9am" is a
 *   parameter, "failed at 6pm" is a report about the past;
 * - the time must be in the future — except a time earlier today ("today at 1am" said at noon):
 *   that is returned as it is, in the past, so the request is refused with a clear message
 *   instead of silently running now. A time without a day ("at 6pm" said at 9pm) means tomorrow.
 * The wall-clock time is the requester's, converted with their zone's offset on that date.
 */
import { type DateContext, type DateExpression, parseDates } from './parse-dates';
import { safeTimeZone, wallClockAt } from './zoned-time';

export interface ScheduleMatch {
  /** ISO UTC time of the run. */
  at: string;
  /** Where the expression sits in the message, so it is not also read as a parameter. */
  index: number;
  text: string;
}

/** Words that make the following time a value ("data since 9am") rather than when to run. */
const PARAMETER_PREPOSITIONS = new Set([
  'from',
  'since',
  'until',
  'till',
  'til',
  'through',
  'thru',
  'to',
  'between',
  'and',
  'for',
  'of',
  'as',
  'before',
  'during',
  'was',
  'were',
  'is',
  'got',
]);

function previousWord(text: string, index: number): string {
  const words = text
    .slice(0, index)
    .toLowerCase()
    .match(/[a-z']+/g);
  return words ? words[words.length - 1] : '';
}

/** "failed at 6pm", "crashed at 9": a past-tense verb right before reports what happened. */
function isPastReport(word: string): boolean {
  return word.length > 3 && word.endsWith('ed') && word !== 'need';
}

function isSchedule(expression: DateExpression, text: string, context: DateContext): boolean {
  if (!expression.start.hasTime || expression.end) return false;
  const before = previousWord(text, expression.index);
  if (PARAMETER_PREPOSITIONS.has(before) || isPastReport(before)) return false;
  return expression.start.instant.getTime() > context.now.getTime() || isEarlierToday(expression, context);
}

/** "today at 1am" said at noon: a schedule the user meant, only too late (yesterday's is a report). */
function isEarlierToday(expression: DateExpression, context: DateContext): boolean {
  const { start } = expression;
  if (!start.hasDay || start.weekdayOnly) return false;
  const today = wallClockAt(context.now, context.tz);
  return (
    start.clock.year === today.year && start.clock.month === today.month && start.clock.day === today.day
  );
}

/** A clock time or a delay needs a digit or one of these words; most messages have neither. */
const MAY_NAME_A_TIME = /\d|noon|midnight|hour|minute/i;

export function findSchedule(text: string, context: DateContext): ScheduleMatch | undefined {
  if (!MAY_NAME_A_TIME.test(text)) return undefined; // spares chrono's many parsers on most messages
  const zone = { now: context.now, tz: safeTimeZone(context.tz) };
  const found = parseDates(text, zone, { forwardDate: true }).find((expression) =>
    isSchedule(expression, text, zone),
  );
  if (!found) return undefined;
  return { at: found.start.instant.toISOString(), index: found.index, text: found.text };
}

/**
 * ISO UTC time to run at, or undefined when the message does not clearly say when to run. It may
 * be in the past (earlier today): callers refuse it rather than run now.
 */
export function extractSchedule(text: string, options: { now: Date; tz: string }): string | undefined {
  return findSchedule(text, options)?.at;
}
