/**
 * What `flowdesk setup-prefect` wants Prefect to hold: a Webhook block that POSTs to flowdesk with the
 * bearer secret, and an automation that calls it for every state change of runs tagged `flowdesk`.
 * Pure: builds request bodies and tells whether what Prefect already has is the same.
 */
import type { components } from '../adapters/prefect/generated/prefect-api';

type Schemas = components['schemas'];
export type AutomationBody = Schemas['AutomationCreate'] & Schemas['AutomationUpdate'];

/** The tag every run flowdesk creates carries (SPEC §5). */
export const FLOWDESK_RUN_TAG = 'flowdesk';
/** `{{ event | tojson }}`: the bare event, which the webhook route parses (the envelope works too). */
export const EVENT_PAYLOAD_TEMPLATE = '{{ event | tojson }}';

export interface WebhookBlockData {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
}

export function webhookBlockData(webhookUrl: string, secret: string): WebhookBlockData {
  return {
    url: webhookUrl,
    method: 'POST',
    // Prefect sends the rendered payload as the raw body with only these headers (see prefect-api.md §5).
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
  };
}

export function automationBody(name: string, blockDocumentId: string): AutomationBody {
  return {
    name,
    description:
      `Sends every state change of flow runs tagged "${FLOWDESK_RUN_TAG}" to flowdesk (POST /webhooks/prefect), ` +
      'which updates their Slack threads. Managed by `flowdesk setup-prefect`.',
    enabled: true,
    trigger: {
      type: 'event',
      posture: 'Reactive',
      expect: ['prefect.flow-run.*'],
      match: { 'prefect.resource.id': 'prefect.flow-run.*' },
      match_related: {
        'prefect.resource.role': 'tag',
        'prefect.resource.id': `prefect.tag.${FLOWDESK_RUN_TAG}`,
      },
      // One bucket per run (as in Prefect's own examples): runs never share trigger state.
      for_each: ['prefect.resource.id'],
      threshold: 1,
      within: 0,
    },
    actions: [{ type: 'call-webhook', block_document_id: blockDocumentId, payload: EVENT_PAYLOAD_TEMPLATE }],
  };
}

/** true when the block's data already sends what flowdesk needs (extra fields such as `verify` are kept). */
export function sameWebhookData(existing: unknown, wanted: WebhookBlockData): boolean {
  if (!isRecord(existing)) return false;
  return (
    existing.url === wanted.url &&
    String(existing.method ?? 'POST').toUpperCase() === wanted.method &&
    deepEqual(existing.headers ?? {}, wanted.headers)
  );
}

/** Compares what matters of an automation, with Prefect's defaults filled in on both sides. */
export function sameAutomation(existing: unknown, wanted: AutomationBody): boolean {
  return deepEqual(comparableAutomation(existing), comparableAutomation(wanted));
}

function comparableAutomation(value: unknown): Record<string, unknown> {
  const automation = isRecord(value) ? value : {};
  return {
    name: automation.name,
    description: automation.description ?? '',
    enabled: automation.enabled ?? true,
    tags: automation.tags ?? [],
    trigger: comparableTrigger(automation.trigger),
    actions: comparableActions(automation.actions),
    actions_on_trigger: comparableActions(automation.actions_on_trigger),
    actions_on_resolve: comparableActions(automation.actions_on_resolve),
  };
}

function comparableTrigger(value: unknown): Record<string, unknown> {
  const trigger = isRecord(value) ? value : {};
  return {
    type: trigger.type ?? 'event',
    posture: trigger.posture,
    expect: sortedStrings(trigger.expect),
    after: sortedStrings(trigger.after),
    for_each: sortedStrings(trigger.for_each),
    match: trigger.match ?? {},
    // Prefect accepts one resource specification or a list of them.
    match_related:
      Array.isArray(trigger.match_related) && trigger.match_related.length === 1
        ? trigger.match_related[0]
        : (trigger.match_related ?? {}),
    threshold: trigger.threshold ?? 1,
    within: Number(trigger.within ?? 0),
  };
}

function comparableActions(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.map((action) => {
    if (!isRecord(action) || action.type !== 'call-webhook') return action;
    return { type: action.type, block_document_id: action.block_document_id, payload: action.payload ?? '' };
  });
}

function sortedStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String).sort() : [];
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (!deepEqual(a[key], b[key])) return false;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
