import { matchAlias } from '../../../src/core/routing/match-alias';
import type { ProcessDef } from '../../../src/core/types';
import { RESET_VPN, RESTART_SERVICE, SERVICE_DESK, UNLOCK_ACCOUNT } from './service-desk-catalog';

describe('matchAlias', () => {
  it('matches an exact command and captures its parameters', () => {
    expect(matchAlias('reset vpn for ann@example.com', SERVICE_DESK)).toEqual({
      process: RESET_VPN,
      parameters: { user_email: 'ann@example.com' },
    });
  });

  it('ignores case, runs of whitespace and one trailing period', () => {
    const match = matchAlias('  Reset   VPN\tfor ann@example.com. ', SERVICE_DESK);
    expect(match?.process.id).toBe('reset-vpn');
    expect(match?.parameters).toEqual({ user_email: 'ann@example.com' });
  });

  it('captures several parameters and maps enum spellings onto the enum', () => {
    expect(matchAlias('restart payments-api in Prod', SERVICE_DESK)).toEqual({
      process: RESTART_SERVICE,
      parameters: { service: 'payments-api', environment: 'production' },
    });
    // Not an enum value: not this command (the classifier and the validator take it from there).
    expect(matchAlias('restart billing in qa', SERVICE_DESK)).toBeNull();
  });

  it('uses the merged schema for enums when one is given', () => {
    const bare: ProcessDef = { ...RESTART_SERVICE, parameters: {} };
    const schemas = new Map([
      [
        bare.id,
        { type: 'object', properties: { environment: { type: 'string', enum: ['production', 'staging'] } } },
      ],
    ]);
    expect(matchAlias('restart search in stage', [bare], schemas)?.parameters).toEqual({
      service: 'search',
      environment: 'staging',
    });
  });

  it('reads Slack mailto links in captures', () => {
    expect(matchAlias('unlock <mailto:dave@example.com|dave@example.com>', SERVICE_DESK)?.parameters).toEqual(
      {
        user_email: 'dave@example.com',
      },
    );
  });

  it.each(['please reset vpn for ann@example.com', 'reset vpn for', 'reset vpn', 'restart payments-api'])(
    'does not match %p',
    (text) => {
      expect(matchAlias(text, SERVICE_DESK)).toBeNull();
    },
  );

  it('does not match when a capture is not a value its parameter can take', () => {
    // "staging tomorrow at 9" is no environment: the router reads the request and its schedule instead.
    expect(matchAlias('restart payments-api in staging tomorrow at 9', SERVICE_DESK)).toBeNull();
    expect(matchAlias('reset vpn for my colleague', SERVICE_DESK)).toBeNull();
    const free: ProcessDef = { ...RESTART_SERVICE, parameters: {} };
    expect(matchAlias('restart billing in eu west', [free])?.parameters).toEqual({
      service: 'billing',
      environment: 'eu west',
    });
  });

  it('only looks at the given processes', () => {
    expect(matchAlias('reset vpn for ann@example.com', [RESTART_SERVICE, UNLOCK_ACCOUNT])).toBeNull();
  });

  it('prefers the most specific alias when several match', () => {
    const general: ProcessDef = { ...UNLOCK_ACCOUNT, id: 'restart-anything', aliases: ['restart {target}'] };
    expect(matchAlias('restart search in staging', [general, RESTART_SERVICE])?.process.id).toBe(
      'restart-service',
    );
    expect(matchAlias('restart search', [general, RESTART_SERVICE])).toEqual({
      process: general,
      parameters: { target: 'search' },
    });
  });

  it('skips aliases that do not parse', () => {
    const broken: ProcessDef = { ...UNLOCK_ACCOUNT, aliases: ['unlock {{user_email}}', '{a}{b}'] };
    expect(matchAlias('unlock {ann}', [broken])).toBeNull();
  });
});
