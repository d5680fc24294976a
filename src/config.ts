/**
 * Configuration: read once from the environment (and `.env` when present), validated with zod.
 * A wrong value stops start-up with a message naming the variable and the fix (SPEC §8).
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { FlowdeskError } from './core/errors';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (name: string, fix: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: `${name} must be an http(s) URL. ${fix}` });

/** An optional URL: empty (as in a copied .env.example) means unset. */
const optionalUrl = (name: string, fix: string) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), url(name, fix).optional());

const schema = z.object({
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    message: 'SLACK_BOT_TOKEN must be a bot token starting with "xoxb-" (Slack app → OAuth & Permissions).',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), {
    message:
      'SLACK_APP_TOKEN must be an app-level token starting with "xapp-" (Basic Information → App-Level Tokens, scope connections:write).',
  }),
  SLACK_API_URL: url('SLACK_API_URL', 'Example: https://slack.com/api/').default('https://slack.com/api/'),
  PREFECT_API_URL: url('PREFECT_API_URL', 'Example: http://127.0.0.1:4200/api').default(
    'http://127.0.0.1:4200/api',
  ),
  PREFECT_API_KEY: optionalString,
  PREFECT_API_AUTH_STRING: optionalString.refine((v) => v === undefined || v.includes(':'), {
    message:
      'PREFECT_API_AUTH_STRING must look like "user:password" (the server\'s PREFECT_SERVER_API_AUTH_STRING).',
  }),
  PREFECT_UI_URL: optionalUrl('PREFECT_UI_URL', 'Example: http://127.0.0.1:4200'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl('OPENAI_BASE_URL', 'Example: https://api.openai.com/v1'),
  FLOWDESK_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  FLOWDESK_ROUTER: z
    .enum(['auto', 'llm', 'local'], {
      message: 'FLOWDESK_ROUTER must be one of auto, llm, local.',
    })
    .default('auto'),
  REDIS_URL: z
    .string()
    .trim()
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'REDIS_URL must start with redis:// or rediss://.' })
    .default('redis://127.0.0.1:6379'),
  FLOWDESK_PROCESS_MAPS: z.string().trim().min(1).default('./process-maps'),
  /** Prefix of every Redis key (one per installation; `flowdesk chat` adds `chat:` to stay apart from the bot). */
  FLOWDESK_REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, {
      message: 'FLOWDESK_REDIS_PREFIX may only use letters, digits and : _ . - (e.g. "flowdesk:").',
    })
    .default('flowdesk:'),
  FLOWDESK_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'FLOWDESK_WEBHOOK_SECRET must be at least 16 characters (e.g. `openssl rand -hex 32`).',
  }),
  FLOWDESK_ADMINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  PORT: z.coerce
    .number({ message: 'PORT must be a number between 1 and 65535.' })
    .int()
    .min(0)
    .max(65535, { message: 'PORT must be a number between 1 and 65535.' })
    .default(3000),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      message: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent.',
    })
    .default('info'),
});

export type Config = Readonly<z.output<typeof schema>>;

/** Names of the variables that hold secrets: redacted from logs and never echoed. */
export const SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'PREFECT_API_KEY',
  'PREFECT_API_AUTH_STRING',
  'OPENAI_API_KEY',
  'FLOWDESK_WEBHOOK_SECRET',
] as const;

/** Reads `.env` (when present) under the real environment: the environment wins. */
export function readDotEnv(path = '.env'): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new FlowdeskError('config_invalid', `Cannot read ${path}: ${(error as Error).message}`);
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`,
    );
    throw new FlowdeskError('config_invalid', `Invalid configuration:\n${lines.join('\n')}`, {
      userMessage: `Invalid configuration:\n${lines.join('\n')}\nFix the variables above (see .env.example and the README).`,
    });
  }
  return Object.freeze(result.data);
}

/**
 * A configured URL as it may be shown (logs, banners, messages): without the user name and
 * password a URL can carry.
 */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** The Prefect UI base: PREFECT_UI_URL, or the API URL minus `/api` (self-hosted) / Cloud's app URL. */
export function prefectUiUrl(config: Pick<Config, 'PREFECT_API_URL' | 'PREFECT_UI_URL'>): string {
  if (config.PREFECT_UI_URL) return config.PREFECT_UI_URL.replace(/\/+$/, '');
  const api = config.PREFECT_API_URL.replace(/\/+$/, '');
  const cloud = api.match(/^https:\/\/api\.prefect\.cloud\/api\/accounts\/([^/]+)\/workspaces\/([^/]+)$/);
  if (cloud) return `https://app.prefect.cloud/account/${cloud[1]}/workspace/${cloud[2]}`;
  return api.replace(/\/api$/, '');
}
