import path from 'node:path';
import { runValidate } from '../../src/commands/validate-command';
import { FlowdeskError } from '../../src/core/errors';
import type { DeploymentInfo, PrefectPort } from '../../src/core/ports';
import type { JsonSchema } from '../../src/core/types';
import { BAD_FIXTURES, FIXTURES_DIR } from '../core/process-map/fixture-expectations';

const VALID = path.join(FIXTURES_DIR, 'valid.yaml');
const SHIPPED_DIR = path.resolve(__dirname, '../../process-maps');

/** Only getDeployment is part of validation; everything else would be a bug, so it throws. */
class FakeDeploymentsPrefect implements PrefectPort {
  readonly lookups: string[] = [];
  failure?: FlowdeskError;

  constructor(private readonly deployments: Map<string, DeploymentInfo>) {}

  async getDeployment(ref: string): Promise<DeploymentInfo> {
    this.lookups.push(ref);
    if (this.failure) throw this.failure;
    const found = this.deployments.get(ref);
    if (!found) throw new FlowdeskError('prefect_not_found', `deployment ${ref} not found`);
    return found;
  }

  createFlowRun = notUsed;
  readFlowRun = notUsed;
  readFlowRuns = notUsed;
  cancelFlowRun = notUsed;
  readLogs = notUsed;
  readArtifacts = notUsed;
  readRunInput = notUsed;
  resumeFlowRun = notUsed;
  health = notUsed;
  runUrl = (): string => {
    throw new Error('not used by validate');
  };
}

async function notUsed(): Promise<never> {
  throw new Error('not used by validate');
}

function deployment(
  ref: string,
  properties: Record<string, JsonSchema>,
  definitions?: Record<string, JsonSchema>,
): [string, DeploymentInfo] {
  const [flowName, name] = ref.split('/');
  const parameterSchema: JsonSchema = { title: 'Parameters', type: 'object', properties };
  if (definitions) parameterSchema.definitions = definitions;
  const info = {
    id: `id-${flowName}`,
    name,
    flowName,
    parameterSchema,
    parameters: {},
    enforceParameterSchema: true,
  };
  return [ref, info];
}

/** Deployments that fit test/fixtures/process-maps/valid.yaml, described the way Prefect does (incl. $ref enums). */
function matchingDeployments(environments = ['staging', 'production']): Map<string, DeploymentInfo> {
  return new Map([
    deployment('reset-vpn/production', { user_email: { title: 'user_email', type: 'string', position: 0 } }),
    deployment(
      'restart-service/production',
      {
        service: { title: 'service', type: 'string', enum: ['payments-api', 'search', 'orders-api'] },
        environment: { $ref: '#/definitions/Environment', default: 'staging' },
      },
      { Environment: { title: 'Environment', type: 'string', enum: environments } },
    ),
  ]);
}

async function validate(target: string, online = false, prefect?: PrefectPort) {
  const lines: string[] = [];
  const code = await runValidate({ path: target, online, prefect, print: (line) => lines.push(line) });
  return { code, lines };
}

describe('flowdesk validate (offline)', () => {
  it('prints a summary and exits 0 for valid maps', async () => {
    expect(await validate(VALID)).toEqual({ code: 0, lines: ['2 processes in 1 file are valid'] });
  });

  it('accepts the shipped maps', async () => {
    const { code, lines } = await validate(SHIPPED_DIR);
    expect(code).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^\d+ processes in 2 files are valid$/)]);
  });

  it.each(BAD_FIXTURES)('prints file:line: message for $file and exits 1', async ({ file, problems }) => {
    const target = path.join(FIXTURES_DIR, file);
    expect(await validate(target)).toEqual({ code: 1, lines: problems.map((p) => `${target}:${p}`) });
  });

  it('names both files of a duplicate id', async () => {
    const { code, lines } = await validate(path.join(FIXTURES_DIR, 'duplicate'));
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /duplicate\/a\.yaml:3: duplicate process id "reset-vpn" \(also defined at .*duplicate\/b\.yaml:9\)$/,
      ),
      expect.stringMatching(
        /duplicate\/b\.yaml:9: duplicate process id "reset-vpn" \(also defined at .*duplicate\/a\.yaml:3\)$/,
      ),
    ]);
  });

  it('exits 1 for a path that does not exist', async () => {
    const missing = path.join(FIXTURES_DIR, 'no-such-dir');
    const { code, lines } = await validate(missing);
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringContaining(`${missing}: does not exist`)]);
  });

  it('does not ask Prefect when not online', async () => {
    const prefect = new FakeDeploymentsPrefect(new Map());
    expect((await validate(VALID, false, prefect)).code).toBe(0);
    expect(prefect.lookups).toEqual([]);
  });
});

describe('flowdesk validate --online', () => {
  it('exits 0 when every deployment exists and accepts the map parameters', async () => {
    const prefect = new FakeDeploymentsPrefect(matchingDeployments());
    expect(await validate(VALID, true, prefect)).toEqual({
      code: 0,
      lines: ['2 processes in 1 file are valid and match their Prefect deployments'],
    });
    expect([...prefect.lookups].sort()).toEqual(['reset-vpn/production', 'restart-service/production']);
  });

  it('reports a deployment Prefect does not know at the process line', async () => {
    const deployments = matchingDeployments();
    deployments.delete('restart-service/production');
    const { code, lines } = await validate(VALID, true, new FakeDeploymentsPrefect(deployments));
    expect(code).toBe(1);
    expect(lines).toEqual([`${VALID}:24: deployment "restart-service/production" not found in Prefect`]);
  });

  it('reports a map parameter missing from the deployment schema', async () => {
    const deployments = matchingDeployments();
    deployments.set(...deployment('reset-vpn/production', { email: { type: 'string' } }));
    const { code, lines } = await validate(VALID, true, new FakeDeploymentsPrefect(deployments));
    expect(code).toBe(1);
    expect(lines).toEqual([
      `${VALID}:4: reset-vpn: parameter "user_email" is not a parameter of deployment "reset-vpn/production" (its parameters are email)`,
    ]);
  });

  it('reports a map enum wider than the deployment enum', async () => {
    const prefect = new FakeDeploymentsPrefect(matchingDeployments(['staging']));
    const { code, lines } = await validate(VALID, true, prefect);
    expect(code).toBe(1);
    expect(lines).toEqual([
      `${VALID}:24: restart-service: parameter "environment": enum value "production" is not accepted by the deployment (it accepts "staging")`,
    ]);
  });

  it('prints one line and exits 1 when Prefect cannot be reached', async () => {
    const prefect = new FakeDeploymentsPrefect(matchingDeployments());
    prefect.failure = new FlowdeskError('prefect_unavailable', 'connect ECONNREFUSED 127.0.0.1:4200');
    const { code, lines } = await validate(VALID, true, prefect);
    expect(code).toBe(1);
    expect(lines).toEqual([
      'could not check deployments in Prefect: Prefect is not reachable right now. Nothing was started; please try again in a moment.',
    ]);
  });

  it('exits 1 when --online is asked without a Prefect client', async () => {
    const { code, lines } = await validate(VALID, true);
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringContaining('validate --online needs Prefect')]);
  });

  it('does not go online when the maps are already invalid', async () => {
    const prefect = new FakeDeploymentsPrefect(matchingDeployments());
    expect((await validate(path.join(FIXTURES_DIR, 'bad-id.yaml'), true, prefect)).code).toBe(1);
    expect(prefect.lookups).toEqual([]);
  });
});
