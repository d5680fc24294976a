/**
 * What Prefect's answer to `POST /flow_runs/{id}/resume` means for the person who sent the input.
 * Prefect answers HTTP 200 in every case; `status` decides: ACCEPT (the run continues), REJECT (the
 * input failed Prefect's own schema check: "Reason: Validation failed for field 'x'. Failure
 * reason: …"), ABORT (the run is not paused any more), WAIT (try again later).
 */
import type { ResumeStatus } from '../ports';

export type ResumeOutcome =
  | { outcome: 'accepted'; message: string }
  /** Per-field messages when Prefect's reason names a field of the form; `message` always. */
  | { outcome: 'rejected'; message: string; errors: Record<string, string> }
  | { outcome: 'aborted'; message: string };

export function describeResume(
  answer: { status: ResumeStatus; reason?: string },
  fieldNames: readonly string[],
): ResumeOutcome {
  const reason = answer.reason?.trim() || undefined;
  switch (answer.status) {
    case 'ACCEPT':
      return { outcome: 'accepted', message: 'Input sent; the run continues.' };
    case 'ABORT':
      return {
        outcome: 'aborted',
        message: `The run is no longer waiting for input${reason ? ` (${reason.replace(/\.+$/, '')})` : ''}.`,
      };
    case 'WAIT':
      return {
        outcome: 'rejected',
        message: 'Prefect asked to wait before resuming this run. Please send the input again in a moment.',
        errors: {},
      };
    default:
      return rejected(reason, fieldNames);
  }
}

const FIELD_FAILURE = /Validation failed for field '([^']*)'\.\s*Failure reason:\s*([\s\S]*)$/;
const REQUIRED = /^'([^']+)' is a required property$/;

function rejected(reason: string | undefined, fieldNames: readonly string[]): ResumeOutcome {
  const text = (reason ?? '').replace(/^Reason:\s*/, '');
  const message = `Prefect did not accept the input${text ? `: ${text}` : '.'}`;
  const match = FIELD_FAILURE.exec(text);
  if (!match) return { outcome: 'rejected', message, errors: {} };
  const detail = match[2].trim();
  // jsonschema reports a missing property at the object's path: the property is the field.
  const field = match[1].split('.')[0] || REQUIRED.exec(detail)?.[1] || '';
  const errors = fieldNames.includes(field) ? { [field]: detail || 'is not valid' } : {};
  return { outcome: 'rejected', message, errors };
}
