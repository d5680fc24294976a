import {
  formatDate,
  isValidTimeZone,
  offsetMinutesAt,
  safeTimeZone,
  wallClockAt,
  wallClockToInstant,
} from '../../../src/core/routing/zoned-time';

describe('zoned time (Intl, no tz library)', () => {
  it('reads the offset in force at each instant, across DST', () => {
    expect(offsetMinutesAt(new Date('2025-07-01T12:00:00Z'), 'Europe/Paris')).toBe(120);
    expect(offsetMinutesAt(new Date('2025-12-01T12:00:00Z'), 'Europe/Paris')).toBe(60);
    expect(offsetMinutesAt(new Date('2025-03-08T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutesAt(new Date('2025-03-10T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutesAt(new Date('2025-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });

  it('converts a wall clock to the instant with the offset of that date', () => {
    const clock = { year: 2025, month: 10, day: 26, hour: 9, minute: 0, second: 0 };
    // 26 Oct 2025: Paris is back on CET (UTC+1) from 03:00, so 09:00 local is 08:00Z.
    expect(wallClockToInstant(clock, 'Europe/Paris').toISOString()).toBe('2025-10-26T08:00:00.000Z');
    expect(wallClockToInstant({ ...clock, day: 25 }, 'Europe/Paris').toISOString()).toBe(
      '2025-10-25T07:00:00.000Z',
    );
  });

  it('maps a skipped reading past the gap and a repeated reading to its first occurrence', () => {
    // 30 Mar 2025 02:30 does not exist in Paris (02:00 → 03:00).
    const gap = wallClockToInstant(
      { year: 2025, month: 3, day: 30, hour: 2, minute: 30, second: 0 },
      'Europe/Paris',
    );
    expect(gap.toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(wallClockAt(gap, 'Europe/Paris').hour).toBe(3);
    // 26 Oct 2025 02:30 happens twice in Paris: first at UTC+2.
    const twice = wallClockToInstant(
      { year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0 },
      'Europe/Paris',
    );
    expect(twice.toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('round-trips wall clocks and formats dates', () => {
    const instant = new Date('2025-01-31T23:30:00Z');
    const tokyo = wallClockAt(instant, 'Asia/Tokyo');
    expect(formatDate(tokyo)).toBe('2025-02-01');
    expect(wallClockToInstant(tokyo, 'Asia/Tokyo').toISOString()).toBe(instant.toISOString());
  });

  it('validates zones and falls back to UTC for broken ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(safeTimeZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(safeTimeZone(undefined)).toBe('UTC');
    expect(safeTimeZone('America/New_York')).toBe('America/New_York');
  });
});
