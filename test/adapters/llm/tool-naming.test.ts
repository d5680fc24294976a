import {
  createToolNameMap,
  isValidToolName,
  processIdForToolName,
  toolNameForProcess,
} from '../../../src/adapters/llm/tool-naming';

describe('tool naming', () => {
  it('maps a process id to run_<id> and back among the offered ids', () => {
    expect(toolNameForProcess('reset-vpn')).toBe('run_reset-vpn');
    expect(processIdForToolName('run_reset-vpn', ['restart-service', 'reset-vpn'])).toBe('reset-vpn');
  });

  it('maps names we did not offer to null', () => {
    expect(processIdForToolName('run_restart-production', ['reset-vpn'])).toBeNull();
    expect(processIdForToolName('reset-vpn', ['reset-vpn'])).toBeNull();
    expect(processIdForToolName('', ['reset-vpn'])).toBeNull();
  });

  it('keeps long or unusual ids within the OpenAI name pattern, unique by hash', () => {
    const long = `a${'b'.repeat(62)}`;
    const longer = `a${'b'.repeat(61)}c`;
    for (const id of [long, longer, 'billing.refund v2', 'ünïcode']) {
      const name = toolNameForProcess(id);
      expect(isValidToolName(name)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(64);
      expect(processIdForToolName(name, [id])).toBe(id);
    }
    expect(toolNameForProcess(long)).not.toBe(toolNameForProcess(longer));
    expect(toolNameForProcess('billing.refund')).not.toBe(toolNameForProcess('billing_refund'));
  });

  it('builds both directions for one set of offered processes', () => {
    const map = createToolNameMap(['reset-vpn', 'refresh-dashboard']);
    expect(map.names).toEqual(['run_reset-vpn', 'run_refresh-dashboard']);
    expect(map.nameOf('refresh-dashboard')).toBe('run_refresh-dashboard');
    expect(map.processIdOf('run_reset-vpn')).toBe('reset-vpn');
    expect(map.processIdOf('run_unknown')).toBeNull();
    expect(map.nameOf('unknown')).toBeUndefined();
  });

  it('rejects names outside the pattern', () => {
    expect(isValidToolName('run reset')).toBe(false);
    expect(isValidToolName('x'.repeat(65))).toBe(false);
    expect(isValidToolName('run_reset-vpn')).toBe(true);
  });
});
