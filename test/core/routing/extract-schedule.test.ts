import { extractSchedule, findSchedule } from '../../../src/core/routing/extract-schedule';

// Saturday 25 Oct 2025, 12:00 in Paris (CEST, UTC+2); DST ends the next night at 03:00 → 02:00.
const PARIS_SATURDAY = { now: new Date('2025-10-25T10:00:00Z'), tz: 'Europe/Paris' };
// Saturday 8 Mar 2025, 15:00 in New York (EST, UTC-5); DST starts the next night at 02:00 → 03:00.
const NEW_YORK_SATURDAY = { now: new Date('2025-03-08T20:00:00Z'), tz: 'America/New_York' };

describe('extractSchedule', () => {
  it('reads "tomorrow at 9" with the offset of tomorrow across the end of DST (Paris)', () => {
    // Today's offset (+2) would give 07:00Z; tomorrow is on CET (+1).
    expect(extractSchedule('run it tomorrow at 9', PARIS_SATURDAY)).toBe('2025-10-26T08:00:00.000Z');
  });

  it('reads "tomorrow at 9" with the offset of tomorrow across the start of DST (New York)', () => {
    // Today's offset (-5) would give 14:00Z; tomorrow is on EDT (-4).
    expect(extractSchedule('please run it tomorrow at 9am', NEW_YORK_SATURDAY)).toBe(
      '2025-03-09T13:00:00.000Z',
    );
  });

  it('reads evening times in the requester zone', () => {
    expect(extractSchedule('tonight at 22:00', PARIS_SATURDAY)).toBe('2025-10-25T20:00:00.000Z');
    expect(extractSchedule('restart payments-api in staging at 6pm', PARIS_SATURDAY)).toBe(
      '2025-10-25T16:00:00.000Z',
    );
    expect(extractSchedule('run it at 6pm', NEW_YORK_SATURDAY)).toBe('2025-03-08T23:00:00.000Z');
  });

  it('moves a time already past today to tomorrow', () => {
    const evening = { now: new Date('2025-10-25T19:00:00Z'), tz: 'Europe/Paris' }; // 21:00 in Paris
    expect(extractSchedule('do it at 6pm', evening)).toBe('2025-10-26T17:00:00.000Z');
  });

  it('returns a time earlier today as it is, in the past, so the request is refused rather than run now', () => {
    expect(extractSchedule('restart search in staging today at 1am', PARIS_SATURDAY)).toBe(
      '2025-10-24T23:00:00.000Z',
    );
    const late = { now: new Date('2025-10-25T21:30:00Z'), tz: 'Europe/Paris' }; // 23:30 in Paris
    expect(extractSchedule('run it tonight at 22:00', late)).toBe('2025-10-25T20:00:00.000Z');
    // Another day in the past is a report, not a schedule.
    expect(extractSchedule('restart search yesterday at 9', PARIS_SATURDAY)).toBeUndefined();
  });

  it('honours an explicit zone and relative delays', () => {
    expect(extractSchedule('run it at 9am EST', PARIS_SATURDAY)).toBe('2025-10-25T14:00:00.000Z');
    expect(extractSchedule('kick it off in 2 hours', PARIS_SATURDAY)).toBe('2025-10-25T12:00:00.000Z');
  });

  it.each([
    ['no time at all', 'restart payments-api in staging'],
    ['a day without a time', 'run it tomorrow'],
    ['a time that is data', 'backfill the events table since 9am'],
    ['a range', 'backfill from 9am to 5pm'],
    ['a report about the past', 'the orders api crashed at 6pm, restart it'],
    ['a date that is a parameter', 'generate the churn report for last monday'],
  ])('returns undefined for %s', (_, text) => {
    expect(extractSchedule(text, PARIS_SATURDAY)).toBeUndefined();
  });

  it('says where the phrase is, so it is not read again as a parameter', () => {
    const text = 'backfill the orders table tomorrow at 9';
    const match = findSchedule(text, PARIS_SATURDAY);
    expect(match?.text).toBe('tomorrow at 9');
    expect(text.slice(match!.index, match!.index + match!.text.length)).toBe('tomorrow at 9');
  });

  it('reads times as UTC when the requester zone is unknown', () => {
    expect(extractSchedule('run it tomorrow at 9', { ...PARIS_SATURDAY, tz: 'Not/AZone' })).toBe(
      '2025-10-26T09:00:00.000Z',
    );
  });
});
