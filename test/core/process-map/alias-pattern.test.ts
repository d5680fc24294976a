import {
  aliasParameters,
  aliasSkeleton,
  parseAliasPattern,
} from '../../../src/core/process-map/alias-pattern';

describe('parseAliasPattern', () => {
  it('splits literals and placeholders in order', () => {
    const parsed = parseAliasPattern('restart {service} in { environment }');
    expect(parsed).toEqual({
      ok: true,
      parts: [
        { kind: 'literal', text: 'restart ' },
        { kind: 'parameter', name: 'service' },
        { kind: 'literal', text: ' in ' },
        { kind: 'parameter', name: 'environment' },
      ],
    });
    expect(parsed.ok && aliasParameters(parsed.parts)).toEqual(['service', 'environment']);
  });

  it('accepts an alias without placeholders', () => {
    expect(parseAliasPattern('reset my vpn')).toEqual({
      ok: true,
      parts: [{ kind: 'literal', text: 'reset my vpn' }],
    });
  });

  it.each([
    [
      'for {{requester.email}}',
      'uses "{{": an alias captures a parameter with single braces, like {user_email}',
    ],
    ['reset } vpn', 'has an unbalanced "{" or "}"'],
    ['   {a}  ', 'needs some literal words, otherwise it would match any message'],
  ])('refuses %p', (alias, error) => {
    expect(parseAliasPattern(alias)).toEqual({ ok: false, error });
  });
});

describe('aliasSkeleton', () => {
  it('ignores placeholder names, case and spacing', () => {
    const a = parseAliasPattern('Reset VPN  for {user_email}');
    const b = parseAliasPattern('reset vpn for {email}');
    const c = parseAliasPattern('reset vpn of {email}');
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid aliases');
    expect(aliasSkeleton(a.parts)).toBe('reset vpn for {}');
    expect(aliasSkeleton(b.parts)).toBe(aliasSkeleton(a.parts));
    expect(aliasSkeleton(c.parts)).not.toBe(aliasSkeleton(a.parts));
  });
});
