/**
 * A small, realistic service-desk catalog (9 processes, 5–8 examples each, the way a process-map
 * author writes them) for the routing tests. Inline rather than YAML so the tests stay pure.
 */
import type { JsonSchema, ProcessDef } from '../../../src/core/types';

const ENVIRONMENT: JsonSchema = { type: 'string', enum: ['production', 'staging', 'development'] };
const USER_EMAIL: JsonSchema = { type: 'string', format: 'email', description: 'Email of the person' };

function process(
  def: Pick<ProcessDef, 'id' | 'title' | 'description' | 'examples'> & Partial<ProcessDef>,
): ProcessDef {
  return {
    deployment: `${def.id}/production`,
    aliases: [],
    parameters: {},
    required: [],
    confirm: true,
    tags: ['it'],
    source: { file: 'service-desk.yaml', line: 1 },
    ...def,
  };
}

export const RESET_VPN = process({
  id: 'reset-vpn',
  title: 'Reset VPN profile',
  description: "Revoke and reissue the requester's VPN certificate when they cannot connect to the VPN.",
  examples: [
    'my vpn keeps disconnecting',
    "can't connect to the VPN from home",
    'vpn says my certificate expired',
    'reset my vpn please',
    'the vpn client will not log in',
    'globalprotect keeps dropping',
  ],
  aliases: ['reset vpn for {user_email}'],
  parameters: { user_email: { ...USER_EMAIL, default: '{{requester.email}}' } },
});

export const GRANT_APP_ACCESS = process({
  id: 'grant-app-access',
  title: 'Grant application access',
  description:
    'Give a person access to a SaaS application (Salesforce, Jira, GitHub, Figma, Tableau) with a role.',
  examples: [
    'I need access to Salesforce',
    'please give bob@example.com editor access to jira',
    'can you add me to the github org',
    'request a figma license for the new designer',
    'I cannot open tableau, I think I need permissions',
    'grant viewer rights on jira to ann',
  ],
  parameters: {
    app: { type: 'string', enum: ['salesforce', 'jira', 'github', 'figma', 'tableau'] },
    user_email: USER_EMAIL,
    role: { type: 'string', enum: ['viewer', 'editor', 'admin'], default: 'viewer' },
  },
  required: ['app', 'user_email'],
});

export const RESTART_SERVICE = process({
  id: 'restart-service',
  title: 'Restart a service',
  description: 'Rolling restart of a backend service in one environment.',
  examples: [
    'restart payments-api in staging',
    'the orders api is stuck, can you bounce it',
    'please restart search on production',
    'auth service is hanging, kick it',
    'do a rolling restart of the payments api',
    'reboot the orders-api pods in dev',
  ],
  aliases: ['restart {service} in {environment}'],
  parameters: {
    service: { type: 'string', enum: ['payments-api', 'orders-api', 'search', 'auth-service'] },
    environment: ENVIRONMENT,
  },
  required: ['service', 'environment'],
});

export const PROVISION_LAPTOP = process({
  id: 'provision-laptop',
  title: 'Provision a laptop',
  description: 'Order and set up a laptop for a new hire or a replacement, ready on a start date.',
  examples: [
    'we have a new hire starting monday who needs a laptop',
    'order a macbook for the new engineer',
    'my laptop died, I need a replacement',
    'set up a thinkpad for carol@example.com',
    'new starter next week needs a computer',
  ],
  parameters: {
    model: { type: 'string', enum: ['macbook-pro-14', 'macbook-air-13', 'thinkpad-x1'] },
    user_email: USER_EMAIL,
    start_date: { type: 'string', format: 'date' },
  },
  required: ['user_email', 'start_date'],
});

export const ROTATE_CREDENTIAL = process({
  id: 'rotate-credential',
  title: 'Rotate a credential',
  description: 'Generate a new secret (API key, database password, token) and revoke the old one.',
  examples: [
    'rotate the stripe api key',
    'the database password leaked, change it now',
    'we need to roll the github token',
    'please regenerate the s3 access keys',
    'our api secret was committed to git, rotate it',
  ],
  parameters: { credential: { type: 'string' }, environment: ENVIRONMENT },
  required: ['credential'],
});

export const UNLOCK_ACCOUNT = process({
  id: 'unlock-account',
  title: 'Unlock an account',
  description: 'Unlock a user account that was locked after too many failed sign-in attempts.',
  examples: [
    'my account is locked',
    "I'm locked out after typing my password wrong",
    'unlock the account of dave@example.com',
    'too many login attempts and now I cannot sign in',
    'locked out of my windows login',
  ],
  aliases: ['unlock {user_email}'],
  parameters: { user_email: { ...USER_EMAIL, default: '{{requester.email}}' } },
});

export const REFRESH_DASHBOARD = process({
  id: 'refresh-dashboard',
  title: 'Refresh a dashboard',
  description: 'Recompute the data behind a BI dashboard for a quarter.',
  examples: [
    'refresh the Q3 sales dashboard',
    'the marketing dashboard shows stale numbers',
    'can you update the finance dashboard for Q2 2024',
    'ops dashboard data is out of date',
    'rerun the dashboard refresh for sales',
  ],
  parameters: {
    dashboard: { type: 'string', enum: ['sales', 'marketing', 'finance', 'ops'] },
    quarter: { type: 'string', pattern: '^Q[1-4] \\d{4}$' },
  },
  required: ['dashboard', 'quarter'],
});

export const GENERATE_REPORT = process({
  id: 'generate-report',
  title: 'Generate a report',
  description: 'Produce a PDF or CSV report (sales, headcount, churn) for a date range.',
  examples: [
    'generate the churn report for last month',
    'I need a headcount report as csv',
    'send me the sales report from january 1 to march 31',
    'can I get a pdf of the churn numbers',
    'build the weekly sales report',
  ],
  parameters: {
    report: { type: 'string', enum: ['sales', 'headcount', 'churn'] },
    start_date: { type: 'string', format: 'date' },
    end_date: { type: 'string', format: 'date' },
    format: { type: 'string', enum: ['pdf', 'csv', 'xlsx'], default: 'pdf' },
  },
  required: ['report'],
});

export const BACKFILL_TABLE = process({
  id: 'backfill-table',
  title: 'Backfill a table',
  description: 'Reload a warehouse table for a range of dates after missing or bad data.',
  examples: [
    'backfill the orders table for last week',
    'the events table is missing data from june, reload it',
    'rerun the etl for the customers table since monday',
    'reprocess the payments table from 2024-05-01 to 2024-05-07',
    'data in the sessions table is wrong for yesterday, backfill it',
  ],
  parameters: {
    table: { type: 'string' },
    start_date: { type: 'string', format: 'date' },
    end_date: { type: 'string', format: 'date' },
    batch_size: { type: 'integer', minimum: 1 },
  },
  required: ['table', 'start_date'],
});

export const SERVICE_DESK: readonly ProcessDef[] = [
  RESET_VPN,
  GRANT_APP_ACCESS,
  RESTART_SERVICE,
  PROVISION_LAPTOP,
  ROTATE_CREDENTIAL,
  UNLOCK_ACCOUNT,
  REFRESH_DASHBOARD,
  GENERATE_REPORT,
  BACKFILL_TABLE,
];
