/**
 * The problems each bad fixture in test/fixtures/process-maps/ must produce, as `line: message`
 * (the file name is prefixed by the caller, which knows how it named the file).
 * Shared by the buildCatalog and `flowdesk validate` tests so both hold the same contract.
 */
import path from 'node:path';

export const FIXTURES_DIR = path.resolve(__dirname, '../../fixtures/process-maps');

export const BAD_FIXTURES: ReadonlyArray<{ file: string; problems: string[] }> = [
  { file: 'empty.yaml', problems: ['1: file is empty (expected "version: 1" and a list of "processes")'] },
  {
    file: 'malformed.yaml',
    problems: [
      '6: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    file: 'evil.yaml',
    problems: ['4: YAML tag "!!js/function" is not allowed: process maps are plain YAML (no custom tags)'],
  },
  {
    file: 'unknown-field.yaml',
    problems: ['11: processes[0].approval: unknown field "min_aprovals" (did you mean "min_approvals"?)'],
  },
  { file: 'missing-field.yaml', problems: ['3: processes[0].description: is required'] },
  {
    file: 'bad-alias.yaml',
    problems: [
      '10: processes[0].aliases[1]: alias "reset vpn for {email}" uses {email}, which is not declared under "parameters" (declared: user_email)',
    ],
  },
  {
    file: 'bad-id.yaml',
    problems: [
      '3: processes[0].id: must start with a lower-case letter and use only a-z, 0-9, "-" and "_", at most 63 characters (got "Reset VPN")',
    ],
  },
  {
    file: 'bad-duration.yaml',
    problems: [
      '11: processes[0].approval.expires_after: must be a duration like 30m, 24h, 2d or 1w (got "1 day")',
    ],
  },
];
