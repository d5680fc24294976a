/**
 * Fills parameters the user did not give from the merged defaults, expanding the templates a map
 * may use in a default: `{{requester.id|name|email|tz}}` and `{{channel.id}}`.
 * A template whose value is unknown (e.g. no e-mail for this user) leaves the parameter missing,
 * never an empty string: then flowdesk asks instead of running with a blank value.
 */
import type { ParameterValues, Requester } from '../types';
import type { MergedParameters } from './merge-parameter-schema';

export interface TemplateContext {
  requester: Requester;
  channel?: string;
}

const TEMPLATE = /\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g;

type Resolved = { ok: true; value: unknown } | { ok: false };

export function resolveTemplates(value: unknown, context: TemplateContext): Resolved {
  if (typeof value === 'string') return resolveString(value, context);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const resolved = resolveTemplates(item, context);
      if (!resolved.ok) return resolved;
      items.push(resolved.value);
    }
    return { ok: true, value: items };
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveTemplates(item, context);
      if (!resolved.ok) return resolved;
      out[key] = resolved.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}

function resolveString(text: string, context: TemplateContext): Resolved {
  let missing = false;
  const value = text.replace(TEMPLATE, (whole, variable: string) => {
    const known = templateVariable(variable, context);
    if (known === null) return whole;
    if (known === undefined || known === '') missing = true;
    return known ?? '';
  });
  return missing ? { ok: false } : { ok: true, value };
}

/** null = not a template variable we know (left as written); undefined = known but no value. */
function templateVariable(variable: string, context: TemplateContext): string | undefined | null {
  const { requester } = context;
  switch (variable) {
    case 'requester.id':
      return requester.id;
    case 'requester.name':
      return requester.name;
    case 'requester.email':
      return requester.email;
    case 'requester.tz':
      return requester.tz;
    case 'channel.id':
      return context.channel;
    default:
      return null;
  }
}

export interface DefaultsResult {
  values: ParameterValues;
  /** Parameters whose default is a template without a value here. */
  unresolved: string[];
}

/** Adds defaults for parameters absent from `values`. `null` defaults are left to Prefect/the flow. */
export function resolveDefaults(
  merged: Pick<MergedParameters, 'defaults'>,
  values: ParameterValues,
  context: TemplateContext,
): DefaultsResult {
  const out: ParameterValues = { ...values };
  const unresolved: string[] = [];
  for (const [name, fallback] of Object.entries(merged.defaults)) {
    if (out[name] !== undefined || fallback === null) continue;
    const resolved = resolveTemplates(fallback, context);
    if (resolved.ok) out[name] = resolved.value;
    else unresolved.push(name);
  }
  return { values: out, unresolved };
}
