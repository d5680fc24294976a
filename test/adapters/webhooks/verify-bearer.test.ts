import { verifyBearer } from '../../../src/adapters/webhooks/verify-bearer';

const SECRET = 'a-long-enough-shared-secret';

describe('verifyBearer', () => {
  it('accepts the secret as a bearer token (scheme case-insensitive, surrounding blanks tolerated)', () => {
    expect(verifyBearer(`Bearer ${SECRET}`, SECRET)).toBe(true);
    expect(verifyBearer(`bearer  ${SECRET} `, SECRET)).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another token', 'Bearer another-token'],
    ['a prefix of the secret', `Bearer ${SECRET.slice(0, -1)}`],
    ['the secret plus more', `Bearer ${SECRET} extra`],
    ['no scheme', SECRET],
    ['Basic', `Basic ${SECRET}`],
    ['repeated headers', [`Bearer ${SECRET}`, `Bearer ${SECRET}`]],
  ])('rejects %s', (_label, header) => {
    expect(verifyBearer(header, SECRET)).toBe(false);
  });

  it('never accepts anything when no secret is configured', () => {
    expect(verifyBearer('Bearer ', '')).toBe(false);
    expect(verifyBearer('Bearer x', '')).toBe(false);
  });
});
