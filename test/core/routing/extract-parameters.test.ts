import { mergeParameterSchema } from '../../../src/core/params/merge-parameter-schema';
import { extractParameters } from '../../../src/core/routing/extract-parameters';
import type { JsonSchema, ProcessDef } from '../../../src/core/types';
import {
  BACKFILL_TABLE,
  GENERATE_REPORT,
  GRANT_APP_ACCESS,
  PROVISION_LAPTOP,
  REFRESH_DASHBOARD,
  RESTART_SERVICE,
} from './service-desk-catalog';

// Saturday 25 Oct 2025, 10:00Z.
const NOW = new Date('2025-10-25T10:00:00Z');
const PARIS = { now: NOW, tz: 'Europe/Paris' };

function extract(text: string, process: ProcessDef, options = PARIS) {
  return extractParameters(text, process, mergeParameterSchema(process, null).schema, options);
}

function withParameters(parameters: Record<string, JsonSchema>): ProcessDef {
  return { ...RESTART_SERVICE, id: 'custom', aliases: [], parameters, required: [] };
}

describe('extractParameters: enums', () => {
  it('finds enum values whatever the case and spacing', () => {
    expect(extract('Restart Payments API on staging', RESTART_SERVICE)).toEqual({
      service: 'payments-api',
      environment: 'staging',
    });
    expect(extract('please bounce ORDERS-api in development', RESTART_SERVICE)).toEqual({
      service: 'orders-api',
      environment: 'development',
    });
  });

  it('maps the usual short forms onto the enum value', () => {
    expect(extract('restart search on prod', RESTART_SERVICE)).toEqual({
      service: 'search',
      environment: 'production',
    });
    expect(extract('restart search in stage', RESTART_SERVICE).environment).toBe('staging');
    expect(extract('restart search in dev', RESTART_SERVICE).environment).toBe('development');
    expect(extract('make it stg instead', RESTART_SERVICE)).toEqual({ environment: 'staging' });
  });

  it('maps the long form onto a short enum value', () => {
    const process = withParameters({ env: { type: 'string', enum: ['prod', 'stage'] } });
    expect(extract('deploy to production', process)).toEqual({ env: 'prod' });
  });

  it('ignores values said in the negative and leaves two different values unresolved', () => {
    expect(extract('restart search in staging, not production', RESTART_SERVICE).environment).toBe('staging');
    expect(extract('use staging instead of prod', RESTART_SERVICE).environment).toBe('staging');
    expect(extract('restart search in staging and production', RESTART_SERVICE)).toEqual({
      service: 'search',
    });
  });

  it('collects every named value into an array parameter', () => {
    const process = withParameters({
      apps: { type: 'array', items: { type: 'string', enum: ['jira', 'github', 'figma'] } },
    });
    expect(extract('give me jira and GitHub', process)).toEqual({ apps: ['jira', 'github'] });
  });

  it('reads enums behind pydantic allOf references', () => {
    const process = withParameters({
      region: { allOf: [{ enum: ['eu-west-1', 'us-east-1'], type: 'string' }] },
    });
    expect(extract('restart it in EU West 1', process)).toEqual({ region: 'eu-west-1' });
  });
});

describe('extractParameters: e-mail addresses', () => {
  it('fills email-format and *email* parameters, lower-cased', () => {
    expect(extract('please give Bob@Example.com editor access to Jira', GRANT_APP_ACCESS)).toEqual({
      user_email: 'bob@example.com',
      app: 'jira',
      role: 'editor',
    });
  });

  it('reads addresses from Slack mailto links once', () => {
    const process = withParameters({ owner: { type: 'string', format: 'email' } });
    expect(extract('owner is <mailto:ann@example.com|ann@example.com>', process)).toEqual({
      owner: 'ann@example.com',
    });
  });

  it('fills several email parameters in order and arrays with all', () => {
    const pair = withParameters({ user_email: { type: 'string' }, manager_email: { type: 'string' } });
    expect(extract('ann@example.com reports to bob@example.com', pair)).toEqual({
      user_email: 'ann@example.com',
      manager_email: 'bob@example.com',
    });
    const list = withParameters({ emails: { type: 'array', items: { type: 'string', format: 'email' } } });
    expect(extract('add ann@example.com, bob@example.com', list)).toEqual({
      emails: ['ann@example.com', 'bob@example.com'],
    });
  });

  it('does not put an address into a non-text parameter named like one', () => {
    const process = withParameters({ send_email: { type: 'boolean' }, email: { type: 'string' } });
    expect(extract('cc ann@example.com', process)).toEqual({ email: 'ann@example.com' });
  });
});

describe('extractParameters: dates in the requester time zone', () => {
  it('resolves "tomorrow" on the requester calendar, not the server one', () => {
    const process = withParameters({ day: { type: 'string', format: 'date' } });
    // 25 Oct 2025 10:00Z is already the 25th 23:00 in Auckland and still the 25th 03:00 in Los Angeles.
    const late = new Date('2025-10-25T11:30:00Z'); // 26th 00:30 in Auckland
    expect(extract('on tomorrow', process, { now: late, tz: 'Pacific/Auckland' })).toEqual({
      day: '2025-10-27',
    });
    expect(extract('on tomorrow', process, { now: late, tz: 'America/Los_Angeles' })).toEqual({
      day: '2025-10-26',
    });
  });

  it('fills start and end of a range', () => {
    expect(extract('reload the events table from june 1 to june 30', BACKFILL_TABLE)).toEqual({
      table: 'events',
      start_date: '2025-06-01',
      end_date: '2025-06-30',
    });
    expect(
      extract('reprocess the payments table from 2024-05-01 to 2024-05-07', BACKFILL_TABLE),
    ).toMatchObject({
      start_date: '2024-05-01',
      end_date: '2024-05-07',
    });
  });

  it('reads "since monday" as the last monday and "until" as the end', () => {
    expect(extract('backfill the customers table since monday', BACKFILL_TABLE)).toEqual({
      table: 'customers',
      start_date: '2025-10-20',
    });
    expect(extract('churn report until october 10', GENERATE_REPORT)).toEqual({
      report: 'churn',
      end_date: '2025-10-10',
    });
  });

  it('writes date-time parameters as ISO instants with the offset of that day', () => {
    const process = withParameters({ at: { type: 'string', format: 'date-time' } });
    // 27 Oct is after the end of DST: 09:00 Paris = 08:00Z.
    expect(extract('on monday october 27 at 9:00', process)).toEqual({ at: '2025-10-27T08:00:00.000Z' });
  });

  it('does not take a bare time of day as a date', () => {
    expect(extract('backfill orders at 9pm', BACKFILL_TABLE)).not.toHaveProperty('start_date');
  });
});

describe('extractParameters: numbers, quarters, patterns and names', () => {
  it('puts a number next to a word of the parameter name into it, and a lone number into a lone parameter', () => {
    expect(
      extract('backfill the orders table since monday with batch size 500', BACKFILL_TABLE),
    ).toMatchObject({
      batch_size: 500,
    });
    const replicas = withParameters({ replicas: { type: 'integer' } });
    expect(extract('scale it to 3', replicas)).toEqual({ replicas: 3 });
    expect(extract('scale it to 2.5', replicas)).toEqual({});
  });

  it('does not read the digits of dates, enum values or emails as numbers', () => {
    const process = withParameters({
      count: { type: 'integer' },
      model: { type: 'string', enum: ['macbook-air-13'] },
      owner: { type: 'string', format: 'email' },
    });
    expect(extract('a macbook air 13 for ann2@example.com on 2025-11-03', process)).toEqual({
      model: 'macbook-air-13',
      owner: 'ann2@example.com',
    });
  });

  it('renders quarters in the spelling the pattern accepts, and never invents a year', () => {
    expect(extract('refresh the Q3 2024 sales dashboard', REFRESH_DASHBOARD)).toEqual({
      dashboard: 'sales',
      quarter: 'Q3 2024',
    });
    const dashed = withParameters({ quarter: { type: 'string', pattern: '^\\d{4}-Q[1-4]$' } });
    expect(extract('numbers for q2 2024 please', dashed)).toEqual({ quarter: '2024-Q2' });
    expect(extract('numbers for the third quarter of 2023', dashed)).toEqual({ quarter: '2023-Q3' });
    expect(extract('refresh the Q3 sales dashboard', REFRESH_DASHBOARD)).toEqual({ dashboard: 'sales' });
    const bare = withParameters({ quarter: { type: 'string', pattern: '^Q[1-4]$' } });
    expect(extract('refresh Q4', bare)).toEqual({ quarter: 'Q4' });
  });

  it('resolves "last quarter" from now in the requester zone', () => {
    expect(extract('finance dashboard for last quarter', REFRESH_DASHBOARD)).toEqual({
      dashboard: 'finance',
      quarter: 'Q3 2025',
    });
    const newYear = { now: new Date('2026-01-01T02:00:00Z'), tz: 'Europe/Paris' }; // already January in Paris
    expect(extract('ops dashboard for last quarter', REFRESH_DASHBOARD, newYear).quarter).toBe('Q4 2025');
    const stillDecember = { now: new Date('2026-01-01T02:00:00Z'), tz: 'America/New_York' };
    expect(extract('ops dashboard for last quarter', REFRESH_DASHBOARD, stillDecember).quarter).toBe(
      'Q3 2025',
    );
  });

  it('takes the one word that matches a pattern, not one of many', () => {
    const ticket = withParameters({ ticket: { type: 'string', pattern: '^[A-Z]+-\\d+$' } });
    expect(extract('close OPS-123 please.', ticket)).toEqual({ ticket: 'OPS-123' });
    expect(extract('close OPS-123 and OPS-456', ticket)).toEqual({});
    const loose = withParameters({ word: { type: 'string', pattern: '^[a-z]+$' } });
    expect(extract('please do it', loose)).toEqual({});
  });

  it('reads "the orders table" into a free-text table parameter', () => {
    expect(extract('backfill the orders table', BACKFILL_TABLE)).toEqual({ table: 'orders' });
    expect(extract('backfill table called sessions_v2', BACKFILL_TABLE)).toEqual({ table: 'sessions_v2' });
    expect(extract('please backfill the table', BACKFILL_TABLE)).toEqual({});
  });

  it('returns nothing when nothing is said', () => {
    expect(extract('we have a new hire', PROVISION_LAPTOP)).toEqual({});
  });

  it('falls back to the process map fragments when the schema has no properties', () => {
    expect(extractParameters('restart search on prod', RESTART_SERVICE, {}, PARIS)).toEqual({
      service: 'search',
      environment: 'production',
    });
  });
});
