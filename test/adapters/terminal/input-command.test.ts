import { runInputCommand } from '../../../src/adapters/terminal/input-command';
import type { SessionState } from '../../../src/adapters/terminal/session-state';
import { createRunInputService } from '../../../src/core/run-input/run-input-service';
import { catalogOf, createHarness, RESET_VPN, runDecision, USERS } from '../../core/engine/engine-harness';

const SCHEMA = {
  title: 'Approval',
  type: 'object',
  properties: {
    approved: { title: 'Approved', type: 'boolean', description: 'Go ahead?' },
    devices: { title: 'Devices', type: 'integer', minimum: 1 },
  },
  required: ['approved'],
};

async function setup() {
  const h = createHarness({ route: () => runDecision('reset-vpn') });
  const replies = await h.say('my vpn keeps disconnecting');
  const requestId = replies[0].kind === 'confirmation' ? replies[0].request.id : '';
  await h.engine.confirm({ actor: USERS.ann, requestId });
  h.prefect.runInputs.set('run-1/paused-1-schema', JSON.stringify(SCHEMA));
  h.prefect.runInputs.set('run-1/paused-1-description', JSON.stringify('Reset the VPN profile now?'));
  h.prefect.setState(
    'run-1',
    { type: 'PAUSED', name: 'Paused', timestamp: '2025-06-12T10:05:00Z' },
    { pauseInputKeyset: { schema: 'paused-1-schema', description: 'paused-1-description' } },
  );
  const runInput = createRunInputService({
    store: h.store,
    prefect: h.prefect,
    catalog: catalogOf([RESET_VPN]),
    clock: h.clock,
    audit: h.audit,
    logger: h.logger,
  });
  const lines: string[] = [];
  const state: SessionState = { actor: USERS.ann, started: new Set(), quit: false, last: requestId };
  const context = { runInput, print: (line: string) => lines.push(line), state, isAdmin: false };
  return { h, requestId, lines, context };
}

describe('/input in the terminal', () => {
  it('without values shows the form of the last request', async () => {
    const { lines, context } = await setup();
    await runInputCommand(context, []);
    const text = lines.join('\n');
    expect(text).toContain('Reset the VPN profile now?');
    expect(text).toContain('approved (boolean, required) — Go ahead?');
    expect(text).toContain('devices (integer, optional)');
  });

  it('sends typed values (converted by the schema) and says the run continues', async () => {
    const { h, requestId, lines, context } = await setup();
    await runInputCommand(context, [requestId, 'approved=true', 'devices=2']);
    expect(h.prefect.resumeCalls).toEqual([{ id: 'run-1', runInput: { approved: true, devices: 2 } }]);
    expect(lines.join('\n')).toContain('Input sent; the run continues.');
  });

  it('reports wrong fields and sends nothing', async () => {
    const { h, lines, context } = await setup();
    await runInputCommand(context, ['approved=true', 'devices=0']);
    expect(h.prefect.resumeCalls).toEqual([]);
    expect(lines.join('\n')).toMatch(/✗ devices must be >= 1/);
  });

  it('says when there is no Prefect (dry run)', async () => {
    const { lines, context } = await setup();
    await runInputCommand({ ...context, runInput: undefined }, ['approved=true']);
    expect(lines.join('\n')).toContain('dry run');
  });
});
