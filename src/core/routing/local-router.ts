/**
 * The offline router (SPEC §4): no network, no model.
 * 1. An alias ("restart {service} in {environment}") → run, via 'alias'.
 * 2. A pending draft (the thread is answering a question, or "make it staging instead") → the same
 *    process with its parameters updated from this message, unless the message clearly asks for
 *    another process.
 * 3. Otherwise the routing index classifies the message among the requester's candidates:
 *    confidence ≥ threshold → run (with the parameters and schedule found in the text), else
 *    out of scope with the three closest candidates as suggestions.
 */
import { mergeParameterSchema } from '../params/merge-parameter-schema';
import type { Router, RoutingDecision, RoutingInput } from '../ports';
import type { JsonSchema, ParameterValues, ProcessDef } from '../types';
import { extractParameters } from './extract-parameters';
import { findSchedule, type ScheduleMatch } from './extract-schedule';
import { matchAlias } from './match-alias';
import type { Classification, RoutingIndex } from './routing-index';
import { enumOf, formatOf, propertiesOf, typesOf } from './schema-shape';
import { isValidTimeZone } from './zoned-time';

/**
 * Chosen on CLINC150 (150 processes built from the training split): the threshold at which the
 * out-of-scope calibration split (oos_train) reaches ~50% recall, then checked on the validation
 * split (`npm run bench` → routing). See docs/routing.md for the figures.
 */
export const DEFAULT_LOCAL_THRESHOLD = 0.3;
export const DEFAULT_SHORTLIST_SIZE = 8;
const SUGGESTIONS = 3;

export interface LocalRouterOptions {
  index: RoutingIndex;
  /** Confidence at or above which the best process is run (default DEFAULT_LOCAL_THRESHOLD). */
  threshold?: number;
  /** How many of the best candidates are considered (default 8); suggestions are the top 3 of them. */
  k?: number;
}

function schemaFor(process: ProcessDef, input: RoutingInput): JsonSchema {
  return input.schemas?.get(process.id) ?? mergeParameterSchema(process, null).schema;
}

/** The message without the schedule phrase, so "tomorrow at 9" is not also read as a start date. */
function withoutSchedule(text: string, schedule: ScheduleMatch | undefined): string {
  if (!schedule) return text;
  return (
    text.slice(0, schedule.index) +
    ' '.repeat(schedule.text.length) +
    text.slice(schedule.index + schedule.text.length)
  );
}

/** A reply may be the value itself ("orders") when exactly one plain-text parameter is missing. */
function replyAsValue(
  text: string,
  missing: readonly string[],
  schema: JsonSchema,
  process: ProcessDef,
  found: ParameterValues,
): ParameterValues {
  const open = missing.filter((name) => !(name in found));
  if (open.length !== 1 || missing.length !== 1) return {};
  const property = propertiesOf(schema, process.parameters).find(([name]) => name === open[0]);
  if (!property) return {};
  const types = typesOf(property[1]);
  const plainString = (types.size === 0 || types.has('string')) && !types.has('array');
  if (!plainString || enumOf(property[1]) || formatOf(property[1])) return {};
  const value = text
    .trim()
    .replace(/[\s.!,;]+$/, '')
    .trim();
  return value === '' ? {} : { [open[0]]: value };
}

export function createLocalRouter(options: LocalRouterOptions): Router {
  const threshold = options.threshold ?? DEFAULT_LOCAL_THRESHOLD;
  const k = Math.max(1, options.k ?? DEFAULT_SHORTLIST_SIZE);

  function outOfScope(classification: Classification, notices: string[]): RoutingDecision {
    const suggestions = classification.ranked
      .slice(0, Math.min(SUGGESTIONS, k))
      .map((entry) => entry.process.id);
    return { kind: 'out_of_scope', suggestions, via: 'local', ...(notices.length ? { notices } : {}) };
  }

  function continuePending(
    input: RoutingInput,
    pending: NonNullable<RoutingInput['pending']>,
    text: string,
    schedule: ScheduleMatch | undefined,
    tz: string,
  ): { decision: RoutingDecision; updates: number } {
    const schema = schemaFor(pending.process, input);
    const found = extractParameters(text, pending.process, schema, { now: input.now, tz });
    const updates = {
      ...found,
      ...replyAsValue(text, pending.missing, schema, pending.process, found),
    };
    return {
      decision: {
        kind: 'run',
        processId: pending.process.id,
        // What the user just said wins over what the draft had ("make it staging instead").
        parameters: { ...pending.parameters, ...updates },
        via: 'local',
        ...(schedule ? { scheduledAt: schedule.at } : {}),
      },
      updates: Object.keys(found).length + (schedule ? 1 : 0),
    };
  }

  return {
    async route(input) {
      const notices: string[] = [];
      const tz = isValidTimeZone(input.requester.tz) ? input.requester.tz : 'UTC';
      if (tz !== input.requester.tz)
        notices.push(`Unknown time zone "${input.requester.tz}": times are read as UTC.`);
      const candidates = input.candidates;

      const schedule = findSchedule(input.text, { now: input.now, tz });
      const text = withoutSchedule(input.text, schedule);
      // "deploy search version 7.1.0 tomorrow at 9": the command without its schedule, run at that time
      // (a free-text capture would otherwise swallow "7.1.0 tomorrow at 9").
      const scheduled = schedule ? matchAlias(text, candidates, input.schemas) : null;
      const alias = scheduled ?? matchAlias(input.text, candidates, input.schemas);
      if (alias) {
        return {
          kind: 'run',
          processId: alias.process.id,
          parameters: alias.parameters,
          via: 'alias',
          confidence: 1,
          ...(scheduled && schedule ? { scheduledAt: schedule.at } : {}),
          ...(scheduled && notices.length ? { notices } : {}),
        };
      }

      const classification = options.index.classify(input.text, candidates);
      const best = classification.best;
      const confident = best !== null && classification.confidence >= threshold;

      const pending = input.pending;
      if (pending && candidates.some((candidate) => candidate.id === pending.process.id)) {
        const continued = continuePending(input, pending, text, schedule, tz);
        // Another process, asked for with confidence and without a word about the draft: a new request.
        const switches = confident && best.id !== pending.process.id && continued.updates === 0;
        if (!switches) return { ...continued.decision, ...(notices.length ? { notices } : {}) };
      }

      if (!confident) return outOfScope(classification, notices);
      const parameters = extractParameters(text, best, schemaFor(best, input), { now: input.now, tz });
      return {
        kind: 'run',
        processId: best.id,
        parameters,
        via: 'local',
        confidence: classification.confidence,
        ...(schedule ? { scheduledAt: schedule.at } : {}),
        ...(notices.length ? { notices } : {}),
      };
    },
  };
}
