/**
 * `flowdesk setup-prefect --webhook-url URL [--dry-run]`: creates or updates, idempotently, the Prefect
 * Webhook block and the automation that send flow-run state events to flowdesk (SPEC §6).
 * Writes only what differs, so a second run changes nothing. `--dry-run` reads but never writes, and
 * prints the bodies it would send with the secret masked.
 */
import type { components } from '../adapters/prefect/generated/prefect-api';
import { createPrefectHttp, type HttpMethod, type PrefectHttp } from '../adapters/prefect/prefect-http';
import { withoutCredentials } from '../config';
import { FlowdeskError, isFlowdeskError } from '../core/errors';
import type { Logger } from '../core/ports';
import {
  type AutomationBody,
  automationBody,
  FLOWDESK_RUN_TAG,
  sameAutomation,
  sameWebhookData,
  type WebhookBlockData,
  webhookBlockData,
} from './flowdesk-automation-bodies';

type Schemas = components['schemas'];

export interface SetupPrefectOptions {
  prefectApiUrl: string;
  apiKey?: string;
  authString?: string;
  webhookUrl: string;
  /** FLOWDESK_WEBHOOK_SECRET: the bearer token the block sends. */
  secret: string;
  dryRun: boolean;
  print: (line: string) => void;
  fetch?: typeof fetch;
  blockName?: string;
  automationName?: string;
  logger?: Logger;
  timeoutMs?: number;
}

export const DEFAULT_BLOCK_NAME = 'flowdesk-webhook';
export const DEFAULT_AUTOMATION_NAME = 'flowdesk: forward flow-run events';
const WEBHOOK_BLOCK_SLUG = 'webhook';
const MASK = '********';
const PLACEHOLDER_BLOCK_ID = '<id of the webhook block>';

type Outcome = 'created' | 'updated' | 'unchanged';

interface Context {
  http: PrefectHttp;
  dryRun: boolean;
  out: (line: string) => void;
  /** Dry run: records a write it would make, printed under the outcome line. */
  show: (method: HttpMethod, path: string, body: unknown) => void;
  /** Prints what `show` recorded since the last flush. */
  flush: () => void;
}

export async function runSetupPrefect(options: SetupPrefectOptions): Promise<number> {
  const out = maskingPrinter(options);
  try {
    const webhookUrl = checkInputs(options, out);
    const blockName = options.blockName ?? DEFAULT_BLOCK_NAME;
    const automationName = options.automationName ?? DEFAULT_AUTOMATION_NAME;
    const shown: string[] = [];
    const context: Context = {
      http: createPrefectHttp({
        apiUrl: options.prefectApiUrl,
        apiKey: options.apiKey,
        authString: options.authString,
        fetch: options.fetch,
        logger: options.logger ?? silentLogger,
        retry: { maxRetries: 1, baseDelayMs: 500, maxDelayMs: 2000 },
        timeoutMs: options.timeoutMs ?? 15_000,
      }),
      dryRun: options.dryRun,
      out,
      show: (method, path, body) =>
        shown.push(`  ${method} ${path}\n${indent(JSON.stringify(maskSecrets(body), null, 2), 4)}`),
      flush: () => {
        for (const text of shown.splice(0)) out(text);
      },
    };
    out(`Prefect API: ${withoutCredentials(options.prefectApiUrl)}`);
    if (options.dryRun) out('Dry run: reading only, nothing is written to Prefect.');

    const data = webhookBlockData(webhookUrl, options.secret);
    const block = await ensureWebhookBlock(context, blockName, data);
    out(
      `Webhook block "${blockName}": ${describe(block.outcome, options.dryRun)}${block.id ? ` (id ${block.id})` : ''}`,
    );
    context.flush();
    const automation = await ensureAutomation(context, automationName, block.id ?? PLACEHOLDER_BLOCK_ID);
    out(
      `Automation "${automationName}": ${describe(automation.outcome, options.dryRun)}` +
        `${automation.id ? ` (id ${automation.id})` : ''}`,
    );
    context.flush();
    out(summary(options.dryRun, block.outcome, automation.outcome, webhookUrl));
    return 0;
  } catch (error) {
    out(`setup-prefect failed: ${explain(error, options.prefectApiUrl)}`);
    if (options.dryRun && isFlowdeskError(error) && error.code === 'prefect_unavailable') {
      printOfflineBodies(options, out);
    }
    return 1;
  }
}

/** A dry run without Prefect still shows what would be created (ids are only known to Prefect). */
function printOfflineBodies(options: SetupPrefectOptions, out: (line: string) => void): void {
  const blockName = options.blockName ?? DEFAULT_BLOCK_NAME;
  const bodies: Array<[string, unknown]> = [
    [
      'POST /block_documents/',
      {
        name: blockName,
        block_type_id: '<id of the "webhook" block type>',
        block_schema_id: '<id of its latest block schema>',
        data: webhookBlockData(options.webhookUrl, options.secret),
      },
    ],
    [
      'POST /automations/',
      automationBody(options.automationName ?? DEFAULT_AUTOMATION_NAME, PLACEHOLDER_BLOCK_ID),
    ],
  ];
  out('Bodies that would be sent to create both (nothing was checked against Prefect):');
  for (const [request, body] of bodies)
    out(`  ${request}\n${indent(JSON.stringify(maskSecrets(body), null, 2), 4)}`);
}

function checkInputs(options: SetupPrefectOptions, out: (line: string) => void): string {
  let url: URL;
  try {
    url = new URL(options.webhookUrl);
  } catch {
    throw new FlowdeskError('config_invalid', 'invalid --webhook-url', {
      userMessage: `--webhook-url must be an absolute http(s) URL, e.g. https://flowdesk.example.com/webhooks/prefect (got "${options.webhookUrl}").`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FlowdeskError('config_invalid', 'invalid --webhook-url', {
      userMessage: `--webhook-url must use http or https (got ${url.protocol}).`,
    });
  }
  if (!options.secret || options.secret.length < 16) {
    throw new FlowdeskError('config_invalid', 'FLOWDESK_WEBHOOK_SECRET missing', {
      userMessage:
        'FLOWDESK_WEBHOOK_SECRET must be set (at least 16 characters, e.g. `openssl rand -hex 32`): ' +
        'Prefect sends it as the bearer token and flowdesk only accepts events that carry it.',
    });
  }
  if (!url.pathname.replace(/\/+$/, '').endsWith('/webhooks/prefect')) {
    out(`Note: flowdesk receives Prefect events on /webhooks/prefect; ${url.pathname} is used as given.`);
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    out('Note: over plain http the bearer secret travels unencrypted; prefer https.');
  }
  return url.toString();
}

async function ensureWebhookBlock(
  context: Context,
  name: string,
  data: WebhookBlockData,
): Promise<{ outcome: Outcome; id?: string }> {
  const { http } = context;
  const blockType = await http
    .request<Schemas['BlockType']>('GET', `/block_types/slug/${WEBHOOK_BLOCK_SLUG}`, {
      notFoundMessage:
        'Prefect has no "webhook" block type. It ships with Prefect; is this a Prefect 2.10+ / 3.x server?',
    })
    .then((response) => response.body);
  const schemas = await http.request<Schemas['BlockSchema'][]>('POST', '/block_schemas/filter', {
    body: { block_schemas: { block_type_id: { any_: [blockType.id] } } },
  });
  const schema = latest(schemas.body);
  if (!schema) {
    throw new FlowdeskError('prefect_not_found', 'no block schema for the webhook block type', {
      userMessage: 'Prefect has no schema registered for the "webhook" block type.',
    });
  }
  const existing = await http.request<Schemas['BlockDocument'][]>('POST', '/block_documents/filter', {
    // Secrets are needed to compare: the url and headers are secret fields of the Webhook block.
    body: {
      block_documents: { name: { any_: [name] } },
      block_types: { slug: { any_: [WEBHOOK_BLOCK_SLUG] } },
      include_secrets: true,
    },
  });
  const current = existing.body.find((document) => document.name === name);

  if (!current) {
    const body: Schemas['BlockDocumentCreate'] = {
      name,
      block_type_id: blockType.id,
      block_schema_id: schema.id,
      data: { ...data },
    };
    if (context.dryRun) {
      context.show('POST', '/block_documents/', body);
      return { outcome: 'created' };
    }
    const created = await http.request<Schemas['BlockDocument']>('POST', '/block_documents/', { body });
    return { outcome: 'created', id: created.body.id };
  }
  if (sameWebhookData(current.data, data)) return { outcome: 'unchanged', id: current.id };

  // A full replace of our fields; other fields (verify, allow_private_urls) are kept as they are.
  const body: Schemas['BlockDocumentUpdate'] = {
    data: { ...current.data, ...data },
    merge_existing_data: false,
  };
  const path = `/block_documents/${current.id}`;
  if (context.dryRun) context.show('PATCH', path, body);
  else await http.request('PATCH', path, { body });
  return { outcome: 'updated', id: current.id };
}

async function ensureAutomation(
  context: Context,
  name: string,
  blockDocumentId: string,
): Promise<{ outcome: Outcome; id?: string }> {
  const { http, out } = context;
  const found = await http.request<Schemas['Automation'][]>('POST', '/automations/filter', {
    body: { automations: { name: { any_: [name] } } },
  });
  const matching = found.body.filter((automation) => automation.name === name);
  if (matching.length > 1) {
    out(`Note: ${matching.length} automations are named "${name}"; only ${matching[0]!.id} is managed.`);
  }
  const current = matching[0];
  const body: AutomationBody = automationBody(name, blockDocumentId);

  if (!current) {
    if (context.dryRun) {
      context.show('POST', '/automations/', body);
      return { outcome: 'created' };
    }
    const created = await http.request<Schemas['Automation']>('POST', '/automations/', { body });
    return { outcome: 'created', id: created.body.id };
  }
  if (sameAutomation(current, body)) return { outcome: 'unchanged', id: current.id };
  const path = `/automations/${current.id}`;
  if (context.dryRun) context.show('PUT', path, body);
  else await http.request('PUT', path, { body });
  return { outcome: 'updated', id: current.id };
}

/** The newest schema version of the block type (Prefect keeps older ones). */
function latest(schemas: Schemas['BlockSchema'][]): Schemas['BlockSchema'] | undefined {
  return [...schemas].sort((a, b) => Date.parse(b.created ?? '') - Date.parse(a.created ?? '') || 0)[0];
}

function describe(outcome: Outcome, dryRun: boolean): string {
  if (outcome === 'unchanged') return 'already up to date';
  return dryRun ? `would be ${outcome}` : outcome;
}

function summary(dryRun: boolean, block: Outcome, automation: Outcome, webhookUrl: string): string {
  if (dryRun) return 'Dry run: nothing was written. Run again without --dry-run to apply.';
  if (block === 'unchanged' && automation === 'unchanged')
    return 'Everything is already up to date; nothing changed.';
  return `Done: Prefect now POSTs every state change of runs tagged "${FLOWDESK_RUN_TAG}" to ${webhookUrl}.`;
}

function explain(error: unknown, apiUrl: string): string {
  if (!isFlowdeskError(error)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'prefect_unavailable':
      return `cannot reach Prefect at ${withoutCredentials(apiUrl)} (${error.message}). Check PREFECT_API_URL and that the server is up.`;
    case 'prefect_auth':
      return `Prefect refused the credentials (${error.message}). Check PREFECT_API_KEY (Cloud) or PREFECT_API_AUTH_STRING (self-hosted).`;
    case 'config_invalid':
      return error.userMessage;
    default:
      return `${error.userMessage} (${error.message})`;
  }
}

/** Every line goes through here: the secret and the Prefect credentials never reach the output. */
function maskingPrinter(options: SetupPrefectOptions): (line: string) => void {
  const secrets = [options.secret, options.apiKey, options.authString].filter(
    (value): value is string => typeof value === 'string' && value.length >= 4,
  );
  return (line) => {
    let text = line;
    for (const secret of secrets) text = text.split(secret).join(MASK);
    options.print(text);
  };
}

const SECRET_KEY = /authorization|secret|token|password|api[-_]?key/i;

/** Masks header-like secret values in a body shown to a person (also old secrets read back from Prefect). */
function maskSecrets(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && SECRET_KEY.test(key)) {
    return /^(Bearer|Basic) /i.test(value) ? `${value.split(' ')[0]} ${MASK}` : MASK;
  }
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
