/**
 * Wall-clock time in an IANA time zone, computed with `Intl` (no time-zone library): the offset is
 * looked up for the instant in question, so "tomorrow at 9" across a DST change lands on 9:00 local
 * time of tomorrow, not on today's offset.
 */

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone itself when valid, else UTC (a user record with a broken zone must not break routing). */
export function safeTimeZone(timeZone: string | undefined): string {
  return timeZone !== undefined && isValidTimeZone(timeZone) ? timeZone : 'UTC';
}

/** The wall-clock reading of `instant` in `timeZone`. */
export function wallClockAt(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

function wallClockAsUtcMs(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** Minutes to add to UTC to get the zone's wall clock at `instant` (Paris in summer: +120). */
export function offsetMinutesAt(instant: Date, timeZone: string): number {
  const seconds = Math.floor(instant.getTime() / 1000) * 1000;
  return (wallClockAsUtcMs(wallClockAt(new Date(seconds), timeZone)) - seconds) / 60000;
}

/**
 * The instant at which the zone's clocks read `clock`. A reading skipped by a spring-forward gap
 * (02:30 on the night clocks jump to 03:00) maps to the same distance past the gap (03:30); a
 * reading that happens twice when clocks fall back maps to the first (summer-time) one.
 */
export function wallClockToInstant(clock: WallClock, timeZone: string): Date {
  const asUtc = wallClockAsUtcMs(clock);
  // The offset is near-constant: two guesses around the true instant settle on the right one.
  const before = offsetMinutesAt(new Date(asUtc - 86400000), timeZone);
  const after = offsetMinutesAt(new Date(asUtc + 86400000), timeZone);
  const candidates = [asUtc - before * 60000, asUtc - after * 60000].filter(
    (ms) => wallClockAsUtcMs(wallClockAt(new Date(ms), timeZone)) === asUtc,
  );
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: apply the offset in force before the jump, which reads as `clock` + gap length.
  return new Date(asUtc - before * 60000);
}

/** YYYY-MM-DD of a wall-clock reading. */
export function formatDate(clock: Pick<WallClock, 'year' | 'month' | 'day'>): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
}
