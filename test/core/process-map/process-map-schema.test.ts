import fc from 'fast-check';
import {
  processMapFileSchema,
  processSchema,
  SECTION_FIELDS,
} from '../../../src/core/process-map/process-map-schema';

const minimal = {
  id: 'reset-vpn',
  title: 'Reset VPN profile',
  description: 'Reissue the VPN certificate.',
  deployment: 'reset-vpn/production',
  examples: ['my vpn is down'],
};

describe('processSchema', () => {
  it('fills the documented defaults', () => {
    const parsed = processSchema.parse(minimal);
    expect(parsed).toEqual({ ...minimal, aliases: [], parameters: {}, confirm: true, tags: [] });
  });

  it('fills approval and results defaults', () => {
    const parsed = processSchema.parse({
      ...minimal,
      approval: { approvers: { usergroups: ['S0LEADS01'] } },
      results: {},
    });
    expect(parsed.approval).toEqual({
      approvers: { users: [], usergroups: ['S0LEADS01'] },
      min_approvals: 1,
      self_approval: false,
      expires_after: '24h',
    });
    expect(parsed.results).toEqual({ upload: false });
  });

  it.each([
    ['the process', { ...minimal, owner: 'me' }, []],
    ['access', { ...minimal, access: { users: ['U1AAA'], roles: ['x'] } }, ['access']],
    [
      'approvers',
      { ...minimal, approval: { approvers: { users: ['U1AAA'], groups: [] } } },
      ['approval', 'approvers'],
    ],
    ['results', { ...minimal, results: { upload: true, format: 'pdf' } }, ['results']],
  ])('refuses an unknown field in %s', (_, input, path) => {
    const result = processSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', path })]);
  });

  it('needs a version 1 file with a list of processes', () => {
    expect(processMapFileSchema.safeParse({ version: 1, processes: [minimal] }).success).toBe(true);
    expect(processMapFileSchema.safeParse({ version: '1', processes: [minimal] }).success).toBe(false);
    expect(processMapFileSchema.safeParse({ processes: [minimal] }).success).toBe(false);
  });

  it('lists the allowed fields of each strict section (used for did-you-mean)', () => {
    expect(SECTION_FIELDS.approval).toEqual(['approvers', 'min_approvals', 'self_approval', 'expires_after']);
    expect(SECTION_FIELDS.processes).toContain('results');
  });
});

describe('process ids', () => {
  it('accepts exactly the ids the spec allows', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_-]{0,62}$/), (id) => {
        expect(processSchema.safeParse({ ...minimal, id }).success).toBe(true);
      }),
    );
  });

  it.each(['', 'Reset', '1reset', 'reset vpn', 'reset.vpn', `a${'b'.repeat(63)}`])('refuses %p', (id) => {
    expect(processSchema.safeParse({ ...minimal, id }).success).toBe(false);
  });
});
