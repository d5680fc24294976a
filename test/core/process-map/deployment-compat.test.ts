import fs from 'node:fs';
import path from 'node:path';
import type { DeploymentInfo } from '../../../src/core/ports';
import { deploymentCompatProblems } from '../../../src/core/process-map/deployment-compat';
import type { JsonSchema, ProcessDef } from '../../../src/core/types';

const EXAMPLES_DIR =
  process.env.PREFECT_EXAMPLES_PATH ?? path.resolve(__dirname, '../../../../shared/prefect/examples');

/** Prefect's real deployment sample: $ref enums, Optional (anyOf) ints and models, lists, `definitions`. */
function sampleDeployment(): DeploymentInfo {
  const raw = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'deployment-response.json'), 'utf8'));
  return {
    id: raw.id,
    name: raw.name,
    flowName: 'rebuild-report',
    parameterSchema: raw.parameter_openapi_schema,
    parameters: raw.parameters ?? {},
    enforceParameterSchema: raw.enforce_parameter_schema ?? true,
  };
}

function processWith(parameters: Record<string, JsonSchema>): ProcessDef {
  return {
    id: 'rebuild',
    title: 'Rebuild a report',
    description: 'Rebuilds a report.',
    deployment: 'rebuild-report/nightly',
    examples: ['rebuild the sales report'],
    aliases: [],
    parameters,
    required: [],
    confirm: true,
    tags: [],
    source: { file: 'm.yaml', line: 3 },
  };
}

const check = (parameters: Record<string, JsonSchema>, deployment = sampleDeployment()) =>
  deploymentCompatProblems(processWith(parameters), deployment);

describe('deploymentCompatProblems against a real Prefect parameter schema', () => {
  it('accepts descriptions, defaults and narrower constraints on every kind of parameter', () => {
    expect(
      check({
        report_name: { type: 'string', description: 'Report', default: '{{requester.name}}', minLength: 3 },
        region: { enum: ['eu-west-1'], default: 'eu-west-1' },
        mode: { type: 'string', enum: ['full'] },
        dry_run: { type: 'boolean', default: true },
        max_rows: { type: 'integer', minimum: 1, default: 100 },
        window: { type: 'object', description: 'Backfill window' },
        recipients: { type: 'array', items: { type: 'string', format: 'email' } },
      }),
    ).toEqual([]);
  });

  it('reports a parameter the deployment does not have, listing the ones it has', () => {
    expect(check({ colour: { type: 'string' } })).toEqual([
      'rebuild: parameter "colour" is not a parameter of deployment "rebuild-report/nightly" (its parameters are report_name, region, mode, dry_run, max_rows, window, recipients)',
    ]);
  });

  it('reports enum values outside a Literal and outside an Enum reached through $ref', () => {
    expect(check({ mode: { enum: ['full', 'partial'] }, region: { enum: ['ap-south-1'] } })).toEqual([
      'rebuild: parameter "mode": enum value "partial" is not accepted by the deployment (it accepts "full", "incremental")',
      'rebuild: parameter "region": enum value "ap-south-1" is not accepted by the deployment (it accepts "us-east-1", "eu-west-1")',
    ]);
  });

  it('reports a type wider than an Optional[int]', () => {
    expect(check({ max_rows: { type: 'string' } })).toEqual([
      'rebuild: parameter "max_rows": type "string" does not fit the deployment (it accepts "integer" or "null")',
    ]);
  });

  it('reports defaults the deployment would reject, including a template on a non-string', () => {
    expect(check({ dry_run: { default: 'yes' }, max_rows: { default: '{{requester.id}}' } })).toEqual([
      'rebuild: parameter "dry_run": default "yes" is not accepted by the deployment (it accepts "boolean")',
      'rebuild: parameter "max_rows": default "{{requester.id}}" is not accepted by the deployment (it accepts "integer" or "null")',
    ]);
  });
});

describe('deploymentCompatProblems with hand-made schemas', () => {
  const deployment = (properties: Record<string, JsonSchema> | null): DeploymentInfo => ({
    id: 'd1',
    name: 'production',
    flowName: 'f',
    parameterSchema: properties === null ? null : { type: 'object', properties },
    parameters: {},
    enforceParameterSchema: true,
  });

  it('lets the map narrow number to integer but not widen integer to number', () => {
    expect(check({ n: { type: 'integer' } }, deployment({ n: { type: 'number' } }))).toEqual([]);
    expect(check({ n: { type: 'number' } }, deployment({ n: { type: 'integer' } }))).toEqual([
      'rebuild: parameter "n": type "number" does not fit the deployment (it accepts "integer")',
    ]);
  });

  it('accepts anything for an untyped parameter', () => {
    expect(
      check({ x: { type: 'object', default: { a: 1 } } }, deployment({ x: { title: 'x', position: 0 } })),
    ).toEqual([]);
  });

  it('treats a deployment without a parameter schema as having no parameters', () => {
    expect(check({ x: { type: 'string' } }, deployment(null))).toEqual([
      'rebuild: parameter "x" is not a parameter of deployment "rebuild-report/nightly" (it declares no parameters)',
    ]);
  });

  it('has nothing to say about a process that declares no parameters', () => {
    expect(check({}, deployment(null))).toEqual([]);
  });
});
