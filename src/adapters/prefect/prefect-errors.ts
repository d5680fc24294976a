import { FlowdeskError } from '../../core/errors';

export interface FailedResponse {
  method: string;
  path: string;
  status: number;
  /** Raw response body (Prefect answers JSON; a proxy may not). */
  text: string;
  notFoundMessage?: string;
  rejectedSubject?: string;
}

/** Prefect's detail strings can be long (a whole schema error); keep Slack messages readable. */
const MAX_DETAIL_CHARS = 500;

/**
 * Maps a non-2xx Prefect answer to a FlowdeskError whose userMessage explains it in plain words.
 * Bodies: `{"detail": "..."}` (HTTPException) or
 * `{"exception_message": "...", "exception_detail": [pydantic errors], "request_body": ...}` (422).
 */
export function prefectErrorFromResponse(failure: FailedResponse): FlowdeskError {
  const { method, path, status } = failure;
  const body = parseJson(failure.text);
  const detail = describeDetail(body);
  const message = `Prefect request failed: ${method} ${path} - ${status}${detail ? `: ${detail}` : ''}`;
  const details = { method, path, status };

  if (status === 404) {
    return new FlowdeskError('prefect_not_found', message, { details, userMessage: failure.notFoundMessage });
  }
  if (status === 401 || status === 403) return new FlowdeskError('prefect_auth', message, { details });
  if (status === 409 || status === 400) {
    const subject = failure.rejectedSubject ?? 'the request';
    const reason = stripPrefix(detail ?? `HTTP ${status}`);
    return new FlowdeskError('prefect_rejected', message, {
      details,
      userMessage: `Prefect rejected ${subject}: ${reason}`,
    });
  }
  if (status === 422) {
    return new FlowdeskError('prefect_rejected', message, {
      details,
      userMessage: `Prefect rejected the request as invalid: ${detail ?? 'no detail given'}`,
    });
  }
  return new FlowdeskError('prefect_http_error', message, {
    details,
    userMessage: `Prefect answered with an error (HTTP ${status}). Please try again later.`,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A one-line summary of Prefect's error body, or undefined when it has none. */
export function describeDetail(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const errors = Array.isArray(record.exception_detail)
    ? record.exception_detail
    : Array.isArray(record.detail)
      ? record.detail
      : undefined;
  if (errors) return clip(errors.map(describeValidationError).join('; '));
  if (typeof record.detail === 'string') return clip(record.detail);
  if (typeof record.exception_message === 'string') return clip(record.exception_message);
  return undefined;
}

/** A pydantic error `{loc: ["body", "flow_runs", "id"], msg: "..."}` as `flow_runs.id: ...`. */
function describeValidationError(error: unknown): string {
  if (!error || typeof error !== 'object') return String(error);
  const { loc, msg } = error as { loc?: unknown; msg?: unknown };
  const location = Array.isArray(loc) ? loc.filter((part) => part !== 'body').join('.') : '';
  const text = typeof msg === 'string' ? msg : 'invalid value';
  return location ? `${location}: ${text}` : text;
}

/** "Error creating flow run: Validation failed…" → "Validation failed…" (the subject already says it). */
function stripPrefix(detail: string): string {
  return detail.replace(/^Error (creating|updating) [a-z ]+: /i, '');
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}
