/**
 * The edit modal generated from a parameter schema shaped like Prefect's (pydantic: $ref into
 * definitions, anyOf with null, position), its submission parsing, and error mapping.
 */
import type { types } from '@slack/bolt';
import { CALLBACK } from '../../../../src/adapters/slack/action-ids';
import {
  editModal,
  errorsByBlockId,
  parseEditSubmission,
} from '../../../../src/adapters/slack/blocks/edit-modal';
import { schemaFields } from '../../../../src/adapters/slack/blocks/schema-fields';
import type { JsonSchema } from '../../../../src/core/types';
import { FAKE_PROCESS } from '../../../fakes/fake-engine';
import { validateView } from '../../../fakes/fake-slack-server';
import { buildRequest } from '../../../helpers/build-request';

/** The parameter_openapi_schema of ../shared/prefect/examples/deployment-response.json, plus a few kinds. */
const schema: JsonSchema = {
  title: 'Parameters',
  type: 'object',
  properties: {
    report_name: {
      description: 'Name of the report to rebuild.',
      position: 0,
      title: 'report_name',
      type: 'string',
    },
    region: {
      $ref: '#/definitions/Region',
      default: 'us-east-1',
      description: 'Warehouse region.',
      position: 1,
      title: 'region',
    },
    mode: {
      default: 'incremental',
      enum: ['full', 'incremental'],
      position: 2,
      title: 'mode',
      type: 'string',
    },
    dry_run: { default: false, position: 3, title: 'dry_run', type: 'boolean' },
    max_rows: {
      anyOf: [{ type: 'integer' }, { type: 'null' }],
      default: null,
      position: 4,
      title: 'max_rows',
    },
    window: {
      anyOf: [{ $ref: '#/definitions/DateWindow' }, { type: 'null' }],
      default: null,
      position: 5,
      title: 'window',
    },
    recipients: { default: [], items: { type: 'string' }, position: 6, title: 'recipients', type: 'array' },
    run_date: { type: 'string', format: 'date', position: 7, title: 'Run date' },
    not_before: { type: 'string', format: 'date-time', position: 8 },
    ratio: { type: 'number', minimum: 0, maximum: 1, position: 9 },
    teams: { type: 'array', items: { enum: ['red', 'blue'] }, position: 10 },
  },
  required: ['report_name', 'max_rows', 'run_date'],
  definitions: {
    Region: { enum: ['us-east-1', 'eu-west-1'], title: 'Region', type: 'string' },
    DateWindow: {
      properties: { start: { format: 'date', type: 'string' }, end: { format: 'date', type: 'string' } },
      required: ['start', 'end'],
      type: 'object',
    },
  },
};

function inputs(view: types.ModalView): types.InputBlock[] {
  return view.blocks.filter((b): b is types.InputBlock => b.type === 'input');
}

describe('schemaFields', () => {
  it('resolves refs and nullable unions, in position order', () => {
    const fields = schemaFields(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['report_name', 'string', true],
      ['region', 'enum', false],
      ['mode', 'enum', false],
      ['dry_run', 'boolean', false],
      ['max_rows', 'integer', false],
      ['window', 'json', false],
      ['recipients', 'lines', false],
      ['run_date', 'date', true],
      ['not_before', 'datetime', false],
      ['ratio', 'number', false],
      ['teams', 'multi', false],
    ]);
    expect(fields[1].enumValues).toEqual(['us-east-1', 'eu-west-1']);
    expect(fields[1].description).toBe('Warehouse region.');
  });
});

describe('schemaFields with unresolvable refs', () => {
  it('treats a ref with a malformed % escape like any unknown ref (a JSON field)', () => {
    const fields = schemaFields({
      type: 'object',
      properties: {
        broken: { $ref: '#/definitions/%E0%A4%A', title: 'Broken' },
        missing: { $ref: '#/definitions/Nope' },
        inherited: { $ref: '#/definitions/constructor' },
        spaced: { $ref: '#/definitions/My%20Enum' },
      },
      definitions: { 'My Enum': { enum: ['a', 'b'], type: 'string' } },
    });
    expect(fields.map((f) => [f.name, f.kind, f.label])).toEqual([
      ['broken', 'json', 'Broken'],
      ['inherited', 'json', 'inherited'],
      ['missing', 'json', 'missing'],
      ['spaced', 'enum', 'spaced'],
    ]);
  });
});

describe('editModal', () => {
  const request = buildRequest({
    parameters: {
      report_name: 'sales',
      region: 'eu-west-1',
      dry_run: true,
      max_rows: 500,
      recipients: ['a@example.com', 'b@example.com'],
      run_date: '2025-03-01',
      not_before: '2025-03-01T08:30:00Z',
      teams: ['blue'],
      window: { start: '2025-01-01', end: '2025-01-31' },
    },
  });
  const view = editModal({ request, process: FAKE_PROCESS, schema });
  const byName = new Map(inputs(view).map((b) => [String(b.block_id).split('|')[2], b]));

  it('is a valid modal carrying the request id', () => {
    expect(view.callback_id).toBe(CALLBACK.editModal);
    expect(view.private_metadata).toBe(request.id);
    expect(validateView(view as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('maps each kind to the right element with the current value', () => {
    expect(byName.get('report_name')?.element).toMatchObject({
      type: 'plain_text_input',
      initial_value: 'sales',
    });
    expect(byName.get('report_name')?.optional).toBe(false);
    expect(byName.get('region')?.element).toMatchObject({
      type: 'static_select',
      initial_option: { value: '"eu-west-1"' },
    });
    expect(byName.get('mode')?.element).toMatchObject({
      type: 'static_select',
      initial_option: { value: '"incremental"' },
    });
    expect(byName.get('dry_run')?.element).toMatchObject({
      type: 'checkboxes',
      initial_options: [{ value: 'true' }],
    });
    expect(byName.get('max_rows')?.element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
      initial_value: '500',
    });
    expect(byName.get('ratio')?.element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: true,
      min_value: '0',
      max_value: '1',
    });
    expect(byName.get('recipients')?.element).toMatchObject({
      multiline: true,
      initial_value: 'a@example.com\nb@example.com',
    });
    expect(byName.get('run_date')?.element).toMatchObject({ type: 'datepicker', initial_date: '2025-03-01' });
    expect(byName.get('run_date')?.optional).toBe(false);
    expect(byName.get('not_before')?.element).toMatchObject({
      type: 'datetimepicker',
      initial_date_time: Date.parse('2025-03-01T08:30:00Z') / 1000,
    });
    expect(byName.get('teams')?.element).toMatchObject({
      type: 'multi_static_select',
      initial_options: [{ value: '"blue"' }],
    });
    const windowInput = byName.get('window')?.element as types.PlainTextInput | undefined;
    expect(JSON.parse(String(windowInput?.initial_value))).toEqual({
      start: '2025-01-01',
      end: '2025-01-31',
    });
    expect(byName.get('region')?.hint?.text).toBe('Warehouse region.');
  });

  it('falls back to a text input when enum values do not fit a select', () => {
    const big = editModal({
      request: buildRequest({ parameters: {} }),
      process: FAKE_PROCESS,
      schema: {
        type: 'object',
        properties: { host: { type: 'string', enum: Array.from({ length: 150 }, (_, i) => `h${i}`) } },
      },
    });
    const [input] = inputs(big);
    expect(input.element.type).toBe('plain_text_input');
    expect(input.hint?.text).toContain('One of: h0, h1');
  });
});

describe('parseEditSubmission', () => {
  it('converts Block Kit state back to typed values', () => {
    const parsed = parseEditSubmission({
      'param|string|report_name': { value: { type: 'plain_text_input', value: 'sales' } },
      'param|enum|region': { value: { type: 'static_select', selected_option: { value: '"us-east-1"' } } },
      'param|boolean|dry_run': { value: { type: 'checkboxes', selected_options: [] } },
      'param|integer|max_rows': { value: { type: 'number_input', value: '42' } },
      'param|number|ratio': { value: { type: 'number_input', value: '0.25' } },
      'param|lines|recipients': {
        value: { type: 'plain_text_input', value: ' a@example.com \n\nb@example.com' },
      },
      'param|date|run_date': { value: { type: 'datepicker', selected_date: '2025-04-02' } },
      'param|datetime|not_before': { value: { type: 'datetimepicker', selected_date_time: 1740817800 } },
      'param|multi|teams': { value: { type: 'multi_static_select', selected_options: [{ value: '"red"' }] } },
      'param|json|window': {
        value: { type: 'plain_text_input', value: '{"start":"2025-01-01","end":"2025-01-02"}' },
      },
      'param|string|empty': { value: { type: 'plain_text_input', value: null } },
    });
    expect(parsed.errors).toEqual({});
    expect(parsed.values).toEqual({
      report_name: 'sales',
      region: 'us-east-1',
      dry_run: false,
      max_rows: 42,
      ratio: 0.25,
      recipients: ['a@example.com', 'b@example.com'],
      run_date: '2025-04-02',
      not_before: new Date(1740817800 * 1000).toISOString(),
      teams: ['red'],
      window: { start: '2025-01-01', end: '2025-01-02' },
    });
  });

  it('reports values it cannot convert on their own block', () => {
    const parsed = parseEditSubmission({
      'param|json|window': { value: { type: 'plain_text_input', value: '{broken' } },
      'param|integer|n': { value: { type: 'number_input', value: '2.5' } },
    });
    expect(parsed.errors).toEqual({
      'param|json|window': 'This is not valid JSON.',
      'param|integer|n': 'Enter a whole number.',
    });
  });
});

describe('parseEditSubmission on malformed state (it reaches us unchecked)', () => {
  it('refuses a date-time outside what a Date can hold, on its own block', () => {
    const parsed = parseEditSubmission({
      'param|datetime|at': { value: { selected_date_time: 8_640_000_000_000.001 } },
      'param|datetime|ok': { value: { selected_date_time: 1740817800 } },
    });
    expect(parsed.errors).toEqual({ 'param|datetime|at': 'Pick a valid date and time.' });
    expect(parsed.values).toEqual({ ok: new Date(1740817800 * 1000).toISOString() });
  });

  it('answers a per-field error for options that are not option objects', () => {
    const state = {
      'param|boolean|flag': { value: { selected_options: [null] } },
      'param|boolean|notlist': { value: { selected_options: 'true' } },
      'param|multi|teams': { value: { selected_options: [{ value: '"red"' }, 7] } },
      'param|enum|region': { value: { selected_option: { value: 42 } } },
      'param|date|day': { value: { selected_date: 20250402 } },
    };
    const parsed = parseEditSubmission(state as unknown as Parameters<typeof parseEditSubmission>[0]);
    // A null option is simply not a ticked one; the other shapes cannot be read at all.
    expect(parsed.values).toEqual({ flag: false });
    expect(Object.keys(parsed.errors).sort()).toEqual([
      'param|boolean|notlist',
      'param|date|day',
      'param|enum|region',
      'param|multi|teams',
    ]);
  });

  it('skips blocks and elements that are not objects', () => {
    const state = {
      'param|string|a': null,
      'param|string|b': { value: null },
      'param|string|c': { value: ['x'] },
      'param|string|d': 'text',
      'param|string|e': { value: { value: 'kept' } },
    };
    const parsed = parseEditSubmission(state as unknown as Parameters<typeof parseEditSubmission>[0]);
    expect(parsed).toEqual({ values: { e: 'kept' }, errors: {} });
  });

  it('keeps a parameter named __proto__ as an ordinary value', () => {
    const parsed = parseEditSubmission({
      'param|json|__proto__': { value: { value: '{"polluted": true}' } },
    });
    expect(Object.hasOwn(parsed.values, '__proto__')).toBe(true);
    expect((parsed.values as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('errorsByBlockId', () => {
  it('puts engine errors on their inputs and the rest on the first input', () => {
    const state = { 'param|string|a': {}, 'param|integer|b': {} };
    expect(errorsByBlockId({ b: 'too small', zzz: 'unknown parameter' }, state)).toEqual({
      'param|integer|b': 'too small',
      'param|string|a': 'zzz: unknown parameter',
    });
  });
});
