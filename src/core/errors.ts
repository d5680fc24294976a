/**
 * Typed errors with stable codes. `userMessage` is safe to show in Slack or the terminal;
 * `message` (and `cause`) carry the detail for logs. Neither may contain secrets.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'process_map_invalid'
  | 'process_not_found'
  | 'access_denied'
  | 'parameters_invalid'
  | 'request_not_found'
  | 'request_conflict'
  | 'request_expired'
  | 'not_allowed'
  | 'prefect_unavailable'
  | 'prefect_rejected'
  | 'prefect_not_found'
  | 'prefect_auth'
  | 'prefect_http_error'
  | 'llm_unavailable'
  | 'llm_invalid_output'
  | 'store_unavailable'
  | 'slack_api_error'
  | 'webhook_unauthorized'
  | 'webhook_invalid'
  | 'schedule_invalid'
  | 'internal';

export class FlowdeskError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { userMessage?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlowdeskError';
    this.code = code;
    this.userMessage = options.userMessage ?? defaultUserMessage(code);
    this.details = options.details;
  }
}

export function isFlowdeskError(error: unknown): error is FlowdeskError {
  return error instanceof FlowdeskError;
}

/** Wraps anything thrown into a FlowdeskError, keeping the original as `cause`. */
export function asFlowdeskError(error: unknown): FlowdeskError {
  if (error instanceof FlowdeskError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FlowdeskError('internal', message, { cause: error });
}

function defaultUserMessage(code: ErrorCode): string {
  switch (code) {
    case 'access_denied':
      return "Sorry, you don't have access to that process.";
    case 'parameters_invalid':
      return 'Some parameters are not valid.';
    case 'request_not_found':
      return 'I could not find that request. It may have expired.';
    case 'request_conflict':
      return 'That request has already been handled.';
    case 'request_expired':
      return 'That request has expired. Please ask again.';
    case 'not_allowed':
      return 'You are not allowed to do that.';
    case 'prefect_unavailable':
      return 'Prefect is not reachable right now. Nothing was started; please try again in a moment.';
    case 'prefect_rejected':
      return 'Prefect rejected the request.';
    case 'prefect_not_found':
      return 'Prefect does not know that deployment or run.';
    case 'prefect_auth':
      return 'flowdesk could not authenticate with Prefect. An admin needs to check its credentials.';
    case 'llm_unavailable':
      return 'The language model is unavailable right now.';
    case 'store_unavailable':
      return 'flowdesk cannot reach its state store (Redis) right now. Nothing was changed; please try again in a moment.';
    case 'schedule_invalid':
      return 'I could not use that time.';
    default:
      return 'Something went wrong on our side. The details are in the logs.';
  }
}
