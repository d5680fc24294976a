import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  isStrictCompatible,
  toStrictFunctionSchema,
  toStrictFunctionSchemaWithReport,
} from '../../../src/adapters/llm/strict-function-schema';
import type { JsonSchema } from '../../../src/core/types';

const deployment = JSON.parse(
  readFileSync('/work/shared/prefect/examples/deployment-response.json', 'utf8'),
) as { parameter_openapi_schema: JsonSchema };
const prefectSchema = deployment.parameter_openapi_schema;

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return schema.properties as Record<string, JsonSchema>;
}

describe('toStrictFunctionSchema on the shared Prefect deployment example', () => {
  const strict = toStrictFunctionSchema(prefectSchema);
  const properties = propertiesOf(strict);

  it('is accepted by strict mode, while the raw Prefect schema is not', () => {
    expect(isStrictCompatible(strict)).toEqual([]);
    expect(isStrictCompatible(prefectSchema).length).toBeGreaterThan(0);
  });

  it('closes the root object, requires every property and keeps Prefect position order', () => {
    expect(strict.type).toBe('object');
    expect(strict.additionalProperties).toBe(false);
    expect(Object.keys(properties)).toEqual([
      'report_name',
      'region',
      'mode',
      'dry_run',
      'max_rows',
      'window',
      'recipients',
    ]);
    expect(strict.required).toEqual(Object.keys(properties));
  });

  it('keeps a required str non-nullable and makes optional parameters nullable', () => {
    expect(properties.report_name).toEqual({ type: 'string', description: 'Name of the report to rebuild.' });
    expect(properties.dry_run).toEqual({ type: ['boolean', 'null'], description: 'default: false' });
    expect(properties.max_rows).toEqual({ type: ['integer', 'null'] });
    expect(properties.recipients).toEqual({
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'default: []',
    });
  });

  it('inlines the Enum $ref with its sibling description and default as text', () => {
    expect(properties.region).toEqual({
      anyOf: [{ type: 'string', enum: ['us-east-1', 'eu-west-1'] }, { type: 'null' }],
      description: 'Warehouse region. (default: us-east-1)',
    });
  });

  it('keeps a Literal as an enum', () => {
    expect(properties.mode.anyOf).toEqual([
      { type: 'string', enum: ['full', 'incremental'] },
      { type: 'null' },
    ]);
    expect(properties.mode.description).toContain('default: incremental');
  });

  it('turns the optional pydantic model into a closed nullable object with strict-mode formats', () => {
    const [object, nullBranch] = properties.window.anyOf as JsonSchema[];
    expect(nullBranch).toEqual({ type: 'null' });
    expect(object).toEqual({
      type: 'object',
      properties: {
        start: { type: 'string', format: 'date' },
        end: { type: 'string', format: 'date' },
        inclusive: { type: ['boolean', 'null'], description: 'default: true' },
      },
      required: ['start', 'end', 'inclusive'],
      additionalProperties: false,
    });
    expect(properties.window.description).toBe('Optional backfill window.');
  });

  it('leaves no keyword strict mode rejects', () => {
    const text = JSON.stringify(strict);
    for (const keyword of ['"default"', '"position"', '"title"', '"$ref"', '"definitions"']) {
      expect(text).not.toContain(keyword);
    }
  });

  it('with nullableRequired, lets the model say "not given" for required values too', () => {
    const lenient = toStrictFunctionSchema(prefectSchema, { nullableRequired: true });
    expect(propertiesOf(lenient).report_name).toEqual({
      type: ['string', 'null'],
      description: 'Required. Name of the report to rebuild.',
    });
    expect(isStrictCompatible(lenient)).toEqual([]);
  });

  it('does not modify its input', () => {
    const before = JSON.stringify(prefectSchema);
    toStrictFunctionSchema(prefectSchema, { nullableRequired: true });
    expect(JSON.stringify(prefectSchema)).toBe(before);
  });
});

describe('toStrictFunctionSchema on other Prefect shapes', () => {
  it('gives an untyped parameter any scalar type', () => {
    const strict = toStrictFunctionSchema({ type: 'object', properties: { x: { title: 'x', position: 0 } } });
    expect(propertiesOf(strict).x).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }],
      description: 'any value',
    });
    expect(isStrictCompatible(strict)).toEqual([]);
  });

  it('leaves out free-form dicts and tuples, and reports them', () => {
    const report = toStrictFunctionSchemaWithReport({
      type: 'object',
      properties: {
        options: { type: 'object', additionalProperties: true, title: 'options' },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] },
        name: { type: 'string' },
      },
      required: ['name'],
    });
    expect(Object.keys(propertiesOf(report.schema))).toEqual(['name']);
    expect(report.dropped).toEqual(['#/properties/options', '#/properties/pair']);
    expect(isStrictCompatible(report.schema)).toEqual([]);
  });

  it('guards against recursive models', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { tree: { $ref: '#/definitions/Node' } },
      required: ['tree'],
      definitions: {
        Node: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/definitions/Node' } },
          },
          required: ['label'],
        },
      },
    };
    const report = toStrictFunctionSchemaWithReport(schema);
    const tree = propertiesOf(report.schema).tree;
    expect(Object.keys(propertiesOf(tree))).toEqual(['label']);
    expect(report.dropped).toEqual(['#/properties/tree/properties/children']);
    expect(isStrictCompatible(report.schema)).toEqual([]);
  });

  it('keeps supported string keywords and moves the others into the description', () => {
    const strict = toStrictFunctionSchema({
      type: 'object',
      properties: {
        code: { type: 'string', pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3 },
        link: { type: 'string', format: 'uri', description: 'Where to look' },
        when: { type: 'string', format: 'date-time' },
        size: { type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: 11 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5, uniqueItems: true },
      },
      required: ['code', 'link', 'when', 'size', 'tags'],
    });
    const properties = propertiesOf(strict);
    expect(properties.code).toEqual({
      type: 'string',
      pattern: '^[A-Z]{3}$',
      description: 'at least 3 characters; at most 3 characters',
    });
    expect(properties.link).toEqual({ type: 'string', description: 'Where to look (format: uri)' });
    expect(properties.when).toEqual({ type: 'string', format: 'date-time' });
    expect(properties.size).toEqual({ type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: 11 });
    expect(properties.tags).toEqual({ type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 });
    expect(isStrictCompatible(strict)).toEqual([]);
  });

  it('reads oneOf as anyOf, merges allOf, turns const into enum and splits type lists', () => {
    const strict = toStrictFunctionSchema({
      type: 'object',
      properties: {
        target: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        color: { allOf: [{ $ref: '#/$defs/Color' }], description: 'Paint colour' },
        kind: { const: 'full' },
        id: { type: ['string', 'integer'] },
        level: { enum: ['low', 'high', null] },
      },
      required: ['target', 'color', 'kind', 'id', 'level'],
      $defs: { Color: { enum: ['RED', 'BLUE'], type: 'string', title: 'Color' } },
    });
    const properties = propertiesOf(strict);
    expect(properties.target).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(properties.color).toEqual({ type: 'string', enum: ['RED', 'BLUE'], description: 'Paint colour' });
    expect(properties.kind).toEqual({ type: 'string', enum: ['full'] });
    expect(properties.id).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(properties.level).toEqual({
      anyOf: [{ type: 'string', enum: ['low', 'high'] }, { type: 'null' }],
    });
    expect(isStrictCompatible(strict)).toEqual([]);
  });

  it('describes a template default without showing the template', () => {
    const strict = toStrictFunctionSchema({
      type: 'object',
      properties: { user_email: { type: 'string', format: 'email', default: '{{requester.email}}' } },
    });
    expect(propertiesOf(strict).user_email.description).toBe('filled in automatically when not given');
  });

  it('gives an empty closed object for a missing or property-less schema', () => {
    const empty = { type: 'object', properties: {}, required: [], additionalProperties: false };
    expect(toStrictFunctionSchemaWithReport(null).schema).toEqual(empty);
    expect(toStrictFunctionSchema({ type: 'object', properties: {} })).toEqual(empty);
  });

  it('stops nesting at the strict-mode limit', () => {
    let schema: JsonSchema = { type: 'string' };
    for (let level = 0; level < 14; level += 1) {
      schema = { type: 'object', properties: { inner: schema }, required: ['inner'] };
    }
    const report = toStrictFunctionSchemaWithReport(schema);
    expect(report.dropped).toHaveLength(1);
    expect(isStrictCompatible(report.schema)).toEqual([]);
  });

  it('produces a strict-compatible schema for any Prefect-like schema (property-based)', () => {
    fc.assert(
      fc.property(prefectLikeSchema(), fc.boolean(), (schema, nullableRequired) => {
        const strict = toStrictFunctionSchema(schema, { nullableRequired });
        expect(isStrictCompatible(strict)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isStrictCompatible', () => {
  it('names each violation with its path', () => {
    const violations = isStrictCompatible({
      type: 'object',
      properties: {
        a: { type: 'string', default: 'x' },
        b: { type: 'string', format: 'uri' },
        c: { description: 'untyped' },
        d: { type: 'object', properties: { e: { type: 'string' } }, required: ['e'] },
        f: { type: 'string', enum: ['x', 1] },
      },
      required: ['a', 'b', 'c', 'd'],
      additionalProperties: false,
    });
    expect(violations).toEqual([
      '#/properties/a: keyword "default" is not supported',
      '#/properties/b: format "uri" is not supported',
      '#/properties/c: has no type',
      '#/properties/d: objects must set additionalProperties: false',
      '#: property "f" must be in required',
      '#/properties/f: enum value 1 does not fit type string',
    ]);
  });

  it('rejects a root union and a non-object root', () => {
    expect(isStrictCompatible({ anyOf: [{ type: 'string' }] })).toEqual(
      expect.arrayContaining(['#: the root must have type "object"', '#: the root must not be an anyOf']),
    );
    expect(isStrictCompatible('nope')).toEqual(['#: the parameters schema must be an object']);
  });

  it('enforces the nesting and enum-size limits', () => {
    let deep: JsonSchema = { type: 'string' };
    for (let level = 0; level < 11; level += 1) {
      deep = { type: 'object', properties: { x: deep }, required: ['x'], additionalProperties: false };
    }
    expect(isStrictCompatible(deep).some((violation) => violation.includes('nested deeper than 10'))).toBe(
      true,
    );
    const manyValues = Array.from({ length: 1001 }, (_, index) => `v${index}`);
    const wide = {
      type: 'object',
      properties: { v: { type: 'string', enum: manyValues } },
      required: ['v'],
      additionalProperties: false,
    };
    expect(isStrictCompatible(wide)).toEqual(['#: 1001 enum values in total (at most 1000)']);
  });
});

/** Random schemas in the shapes Prefect and pydantic emit (refs, unions, dicts, untyped, defaults). */
function prefectLikeSchema(): fc.Arbitrary<JsonSchema> {
  const name = fc.stringMatching(/^[a-z][a-z_]{0,8}$/);
  const { node } = fc.letrec<{ node: JsonSchema }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<JsonSchema>(
        { type: 'string' },
        { type: 'integer', default: 3 },
        { type: 'number', minimum: 0 },
        { type: 'boolean', default: false },
        { type: 'string', format: 'uri', minLength: 2 },
        { type: 'string', format: 'date-time' },
        { enum: ['a', 'b'], type: 'string' },
        { enum: [1, 2.5, null] },
        { const: 'x' },
        { title: 'untyped', position: 0 },
        { type: 'object', additionalProperties: true },
        { $ref: '#/definitions/Color', default: 'RED' },
        { $ref: '#/definitions/Window' },
        { $ref: '#/definitions/Missing' },
        { type: ['string', 'null'] },
      ),
      tie('node').map((inner) => ({ anyOf: [inner, { type: 'null' }], default: null })),
      tie('node').map((inner) => ({ type: 'array', items: inner })),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ oneOf: [a, b] })),
      fc.dictionary(name, tie('node'), { maxKeys: 4 }).map((properties) => ({
        type: 'object',
        properties,
        required: Object.keys(properties).slice(0, 1),
      })),
    ),
  }));
  return fc.dictionary(name, node, { maxKeys: 6 }).map((properties) => ({
    title: 'Parameters',
    type: 'object',
    properties,
    required: Object.keys(properties).filter((_, index) => index % 2 === 0),
    definitions: {
      Color: { enum: ['RED', 'BLUE'], title: 'Color', type: 'string' },
      Window: {
        type: 'object',
        title: 'Window',
        properties: { start: { type: 'string', format: 'date' }, next: { $ref: '#/definitions/Window' } },
        required: ['start'],
      },
    },
  }));
}
