/**
 * Date expressions in a message, read with chrono-node relative to the requester's "now" in their
 * own time zone. chrono reasons in the process's local zone, so it is handed a reference Date whose
 * local fields equal the requester's wall clock; its components then are requester wall-clock
 * values, converted to instants with the zone's offset AT THAT DATE (zoned-time.ts).
 */
import * as chrono from 'chrono-node';
import { type WallClock, wallClockAt, wallClockToInstant } from './zoned-time';

export interface DateExpression {
  /** Offset and length of the expression in the message. */
  index: number;
  text: string;
  start: DatePoint;
  end?: DatePoint;
}

export interface DatePoint {
  /** Requester wall clock (hour/minute implied as 00:00 when the message gave none). */
  clock: WallClock;
  hasTime: boolean;
  /** A day was named (a date, a weekday, "tomorrow"), not only a time of day. */
  hasDay: boolean;
  /** Only a weekday was named ("monday"): chrono picked the nearest one. */
  weekdayOnly: boolean;
  /** The instant, honouring an explicit zone ("9am EST") and relative times ("in 2 hours"). */
  instant: Date;
}

export interface DateContext {
  now: Date;
  /** A valid IANA time zone. */
  tz: string;
}

function localReference(clock: WallClock): Date {
  return new Date(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

function toPoint(
  components: chrono.ParsedComponents,
  reference: Date,
  context: DateContext,
  relative: boolean,
): DatePoint {
  const hasTime = components.isCertain('hour');
  const clock: WallClock = {
    year: components.get('year') ?? 0,
    month: components.get('month') ?? 1,
    day: components.get('day') ?? 1,
    hour: hasTime ? (components.get('hour') ?? 0) : 0,
    minute: hasTime ? (components.get('minute') ?? 0) : 0,
    second: hasTime ? (components.get('second') ?? 0) : 0,
  };
  const hasDay =
    components.isCertain('day') ||
    components.isCertain('weekday') ||
    components.tags().has('result/relativeDate');
  let instant: Date;
  if (relative) {
    // "in 2 hours": a duration from now, whatever the zone.
    instant = new Date(context.now.getTime() + (components.date().getTime() - reference.getTime()));
  } else if (components.isCertain('timezoneOffset')) {
    const offset = components.get('timezoneOffset') ?? 0;
    const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
    instant = new Date(asUtc - offset * 60000);
  } else {
    instant = wallClockToInstant(clock, context.tz);
  }
  const weekdayOnly = components.isCertain('weekday') && !components.isCertain('day');
  return {
    clock: relative ? wallClockAt(instant, context.tz) : clock,
    hasTime,
    hasDay,
    weekdayOnly,
    instant,
  };
}

/** Moves the point by whole days of wall-clock time (or of UTC when the zone was explicit). */
function shiftDays(point: DatePoint, days: number, tz: string, fixedOffset: boolean): DatePoint {
  const day = new Date(Date.UTC(point.clock.year, point.clock.month - 1, point.clock.day + days));
  const clock = {
    ...point.clock,
    year: day.getUTCFullYear(),
    month: day.getUTCMonth() + 1,
    day: day.getUTCDate(),
  };
  const instant = fixedOffset
    ? new Date(point.instant.getTime() + days * 86400000)
    : wallClockToInstant(clock, tz);
  return { ...point, clock, instant };
}

/**
 * "at 6pm" said at 9pm means tomorrow, "on friday" said on Saturday the next one, "march 3" said in
 * April next year. chrono's own `forwardDate` compares with the shifted reference, which is wrong
 * when the message names another zone, so it is done here on real instants.
 */
function rollForward(point: DatePoint, components: chrono.ParsedComponents, context: DateContext): DatePoint {
  const fixedOffset = components.isCertain('timezoneOffset');
  let rolled = point;
  const step = point.weekdayOnly ? 7 : !components.isCertain('day') ? 1 : 0;
  if (step > 0) {
    while (rolled.instant.getTime() <= context.now.getTime())
      rolled = shiftDays(rolled, step, context.tz, fixedOffset);
  } else if (!components.isCertain('year') && rolled.instant.getTime() <= context.now.getTime()) {
    const clock = { ...rolled.clock, year: rolled.clock.year + 1 };
    rolled = { ...rolled, clock, instant: wallClockToInstant(clock, context.tz) };
  }
  return rolled;
}

export function parseDates(
  text: string,
  context: DateContext,
  options: { forwardDate: boolean },
): DateExpression[] {
  const reference = localReference(wallClockAt(context.now, context.tz));
  return chrono.parse(text, reference).map((result) => {
    const relative = result.start.tags().has('result/relativeDateAndTime');
    let start = toPoint(result.start, reference, context, relative);
    if (options.forwardDate && !relative && !result.end) start = rollForward(start, result.start, context);
    return {
      index: result.index,
      text: result.text,
      start,
      end: result.end ? toPoint(result.end, reference, context, false) : undefined,
    };
  });
}
