/**
 * Durations in process maps ("30m", "24h", "2d", "1w"): whole numbers of one unit, so that a map reads
 * the same to every author and there is no ambiguity about "1.5h" or "90" (seconds? minutes?).
 */
import { DURATION_PATTERN } from './process-map-schema';

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds for a duration like "24h", or null when the text is not one. */
export function tryParseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Milliseconds for a duration like "24h"; throws a RangeError naming the accepted forms otherwise. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === null) {
    throw new RangeError(
      `"${text}" is not a duration: use a whole number with m, h, d or w (30m, 24h, 2d, 1w)`,
    );
  }
  return ms;
}
