import { resolveDefaults, resolveTemplates } from '../../../src/core/params/resolve-defaults';

const requester = { id: 'U1', name: 'Ann', email: 'ann@example.com', tz: 'Europe/Paris' };

describe('resolveDefaults', () => {
  it('expands requester and channel templates', () => {
    const result = resolveDefaults(
      {
        defaults: {
          email: '{{requester.email}}',
          who: '{{ requester.name }} ({{requester.id}})',
          tz: '{{requester.tz}}',
          where: '{{channel.id}}',
        },
      },
      {},
      { requester, channel: 'C1' },
    );
    expect(result.values).toEqual({
      email: 'ann@example.com',
      who: 'Ann (U1)',
      tz: 'Europe/Paris',
      where: 'C1',
    });
    expect(result.unresolved).toEqual([]);
  });

  it('treats a template without a value as missing, not as an empty string', () => {
    const result = resolveDefaults(
      { defaults: { email: '{{requester.email}}', mode: 'fast' } },
      {},
      {
        requester: { id: 'U2', name: 'Bo', tz: 'UTC' },
      },
    );
    expect(result.values).toEqual({ mode: 'fast' });
    expect(result.unresolved).toEqual(['email']);
  });

  it('keeps values the user gave and skips null defaults', () => {
    const result = resolveDefaults(
      { defaults: { email: '{{requester.email}}', limit: null } },
      { email: 'x@y.z' },
      { requester },
    );
    expect(result.values).toEqual({ email: 'x@y.z' });
  });

  it('resolves templates inside lists and leaves unknown variables as written', () => {
    expect(resolveTemplates(['{{requester.email}}', 'ops@example.com'], { requester })).toEqual({
      ok: true,
      value: ['ann@example.com', 'ops@example.com'],
    });
    expect(resolveTemplates('{{foo.bar}}', { requester })).toEqual({ ok: true, value: '{{foo.bar}}' });
  });
});
