/**
 * The ReDoS guard for JSON Schema `pattern`s: exponential shapes are refused with a reason, the
 * patterns people really write (and pydantic emits) pass, and what passes runs fast on hostile text.
 */
import fc from 'fast-check';
import { checkPattern, isSafePattern, MAX_PATTERN_LENGTH } from '../../../src/core/params/is-safe-pattern';

describe('checkPattern', () => {
  it.each([
    '^(a+)+$',
    '(a*)*',
    '^(a|aa)+$',
    '(.*a){2,}',
    '^(a+){10}$',
    '^([a-z]+)*$',
    '^(\\w+\\s?)*$',
    '^(?:[a-z0-9]+[-.]?)+@example\\.com$',
    '^((ab)*c)+$',
    '^(?:(?:a+)?)+$',
    '^(a|a)*$',
    '^(x|)+$',
    '^([ab]*-[ab]*)*$',
    '^(.*-)+$',
    '^(?<word>a+)+$',
    '^(?:\\d{1,2}){5,}$',
  ])('refuses %j as a nested quantifier', (pattern) => {
    expect(checkPattern(pattern)).toEqual({ safe: false, reason: 'nested quantifier' });
  });

  it.each(['^(a)\\1$', '^(?<q>["\'])\\w+\\k<q>$'])('refuses the backreference in %j', (pattern) => {
    expect(checkPattern(pattern)).toEqual({ safe: false, reason: 'backreference' });
  });

  it('refuses patterns longer than the limit, and accepts one at the limit', () => {
    expect(checkPattern('a'.repeat(MAX_PATTERN_LENGTH + 1))).toEqual({
      safe: false,
      reason: `longer than ${MAX_PATTERN_LENGTH} characters`,
    });
    expect(isSafePattern('a'.repeat(MAX_PATTERN_LENGTH))).toBe(true);
  });

  it.each(['(', '[a-', 'a{2,1}', '\\', '\\-', 'a**'])(
    'calls %j not a valid regular expression',
    (pattern) => {
      expect(checkPattern(pattern)).toEqual({ safe: false, reason: 'not a valid regular expression' });
    },
  );

  it.each([
    '^[a-z][a-z0-9_-]{0,62}$',
    '^[A-Z]+-\\d+$',
    '^Q[1-4] \\d{4}$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^[a-z0-9]+(?:-[a-z0-9]+)*$',
    '^([a-z]+,)*[a-z]+$',
    '^(\\d{1,3}\\.){3}\\d{1,3}$',
    '^[a-z]+(\\.[a-z]+)*@example\\.com$',
    '^(?:GET|POST|PUT|DELETE)+$',
    '^(staging|production)$',
    '^(a|b)+$',
    '^\\p{L}+(?: \\p{L}+)*$',
    '^[^<>]*$',
    '^(?=.*\\d)[a-z\\d]{8,}$',
    '^\\u{1F600}+$',
    '^(?:\\x41\\.)+$',
    '^[\\]\\\\]+$',
    '(?<year>\\d{4})-(?<month>\\d{2})',
    '',
  ])('accepts %j', (pattern) => {
    expect(checkPattern(pattern)).toEqual({ safe: true });
  });

  it('answers quickly for every accepted pattern on long adversarial text', () => {
    const accepted = [
      '^[a-z0-9]+(?:-[a-z0-9]+)*$',
      '^([a-z]+,)*[a-z]+$',
      '^(\\d{1,3}\\.){3}\\d{1,3}$',
      '^[a-z]+(\\.[a-z]+)*@example\\.com$',
      '^(?:ab|cd)+$',
    ];
    const hostile = [
      'a'.repeat(10_000),
      `${'a-'.repeat(5_000)}!`,
      `${'a,'.repeat(5_000)}!`,
      `${'1.'.repeat(5_000)}!`,
    ];
    for (const pattern of accepted) {
      expect(isSafePattern(pattern)).toBe(true);
      const regex = new RegExp(pattern, 'u');
      for (const text of hostile) {
        const started = performance.now();
        regex.test(text);
        expect(performance.now() - started).toBeLessThan(100);
      }
    }
  });

  it('checks a 500-character pattern in a few milliseconds', () => {
    const pattern = `^${'(?:ab|cd)'.repeat(54)}$`.slice(0, MAX_PATTERN_LENGTH);
    const started = performance.now();
    checkPattern(pattern);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('never throws, and only calls compilable patterns safe', () => {
    const pieces = fc.constantFrom(
      ...'()[]{}|\\^$.*+?-,:=!<>0123abc'.split(''),
      '{2,}',
      '\\d',
      '(?:',
      '(?<n>',
      '\\k<n>',
    );
    const pattern = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(pattern, (source) => {
        const verdict = checkPattern(source);
        if (verdict.safe) expect(() => new RegExp(source, 'u')).not.toThrow();
        else expect(verdict.reason).not.toBe('');
      }),
      { seed: 20_261_125, numRuns: 500 },
    );
  });
});
