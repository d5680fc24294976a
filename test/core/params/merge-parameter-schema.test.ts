import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeParameterSchema } from '../../../src/core/params/merge-parameter-schema';
import type { DeploymentInfo } from '../../../src/core/ports';
import type { JsonSchema } from '../../../src/core/types';
import { buildProcess } from '../engine/engine-harness';

const example = JSON.parse(
  readFileSync(join(__dirname, '../../../../shared/prefect/examples/deployment-response.json'), 'utf8'),
) as { id: string; name: string; parameters: Record<string, unknown>; parameter_openapi_schema: JsonSchema };

function deployment(schema: JsonSchema | null, parameters: Record<string, unknown> = {}): DeploymentInfo {
  return {
    id: 'dep-1',
    name: 'nightly',
    flowName: 'refresh-reports',
    parameterSchema: schema,
    parameters,
    enforceParameterSchema: true,
  };
}

describe('mergeParameterSchema', () => {
  const process = buildProcess({
    id: 'refresh-reports',
    parameters: {
      report_name: { description: 'Which report (from the map)', enum: ['revenue', 'churn'] },
      not_in_flow: { type: 'string' },
    },
  });

  it('resolves #/definitions refs, drops position and keeps argument order (real Prefect sample)', () => {
    const merged = mergeParameterSchema(
      process,
      deployment(example.parameter_openapi_schema, example.parameters),
    );
    const properties = merged.schema.properties as Record<string, JsonSchema>;
    expect(Object.keys(properties)).toEqual([
      'report_name',
      'region',
      'mode',
      'dry_run',
      'max_rows',
      'window',
      'recipients',
    ]);
    expect(properties.region.enum).toEqual(['us-east-1', 'eu-west-1']);
    expect(properties.region.title).toBe('region');
    expect(properties.region).not.toHaveProperty('$ref');
    expect(JSON.stringify(merged.schema)).not.toContain('"position"');
    const windowAnyOf = properties.window.anyOf as JsonSchema[];
    expect(windowAnyOf[0].required).toEqual(['start', 'end']);
    expect(merged.schema).not.toHaveProperty('definitions');
  });

  it('lets the map add descriptions and narrower constraints, and ignores map-only parameters', () => {
    const merged = mergeParameterSchema(process, deployment(example.parameter_openapi_schema));
    const reportName = (merged.schema.properties as Record<string, JsonSchema>).report_name;
    expect(reportName).toMatchObject({
      type: 'string',
      description: 'Which report (from the map)',
      enum: ['revenue', 'churn'],
    });
    expect(merged.ignored).toEqual(['not_in_flow']);
    expect(merged.source).toBe('prefect');
  });

  it('computes required from the deployment and the map, minus parameters with defaults', () => {
    const withRequired = buildProcess({ id: 'x', required: ['mode', 'dry_run', 'recipients'] });
    const merged = mergeParameterSchema(
      withRequired,
      deployment(example.parameter_openapi_schema, { recipients: ['a@b.c'] }),
    );
    expect(merged.needed).toEqual(['report_name', 'mode', 'dry_run', 'recipients']);
    expect(merged.schema.required).toEqual(['report_name']);
    expect(merged.defaults.recipients).toEqual(['a@b.c']);
    expect(merged.defaults.mode).toBe('incremental');
  });

  it('prefers the map default over deployment-level values', () => {
    const mapDefault = buildProcess({ id: 'x', parameters: { region: { default: 'eu-west-1' } } });
    const merged = mergeParameterSchema(
      mapDefault,
      deployment(example.parameter_openapi_schema, { region: 'us-east-1' }),
    );
    expect(merged.defaults.region).toBe('eu-west-1');
  });

  it('uses the map fragments alone without a deployment (dry run) or with a null schema', () => {
    const mapOnly = buildProcess({
      id: 'x',
      parameters: {
        user_email: { type: 'string', format: 'email', default: '{{requester.email}}' },
        note: { type: 'string' },
      },
      required: ['user_email', 'note'],
    });
    for (const source of [null, deployment(null)]) {
      const merged = mergeParameterSchema(mapOnly, source);
      expect(Object.keys(merged.schema.properties as object)).toEqual(['user_email', 'note']);
      expect(merged.needed).toEqual(['user_email', 'note']);
      expect(merged.schema.required).toEqual(['note']);
    }
    expect(mergeParameterSchema(mapOnly, null).source).toBe('map');
  });

  it('keeps definitions when a recursive ref cannot be inlined', () => {
    const recursive = {
      type: 'object',
      properties: { tree: { $ref: '#/definitions/Node', position: 0 } },
      definitions: {
        Node: {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } } },
        },
      },
    };
    const merged = mergeParameterSchema(buildProcess({ id: 'x' }), deployment(recursive));
    expect(merged.schema.definitions).toBeDefined();
  });
});

describe('mergeParameterSchema on hostile Prefect schemas', () => {
  it('drops regexes that could backtrack catastrophically', () => {
    const schema = {
      type: 'object',
      properties: {
        evil: { type: 'string', pattern: '^(a+)+$', position: 0 },
        fine: { type: 'string', pattern: '^[a-z]+$', position: 1 },
      },
    };
    const merged = mergeParameterSchema(buildProcess({ id: 'x' }), deployment(schema));
    const properties = merged.schema.properties as Record<string, JsonSchema>;
    expect(properties.evil).not.toHaveProperty('pattern');
    expect(properties.fine.pattern).toBe('^[a-z]+$');
    expect(merged.droppedPatterns).toEqual(['^(a+)+$']);
  });
});
