/**
 * `POST /webhooks/prefect`: receives flow-run events from a Prefect automation's `call-webhook` action.
 *
 * A plain node (req, res) handler: Bolt's `customRoutes` hand it the raw, unread IncomingMessage, and
 * tests mount it on a bare http server. Order matters: method, then the bearer check (nothing but headers
 * is read before it passes), then the body under a size limit, then validation, and the event is
 * persisted to the queue BEFORE the 2xx, so an acknowledged event survives a crash. When the queue
 * cannot persist it the answer is 503, never a 2xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/ports';
import { parsePrefectEvent } from '../../core/prefect-event';
import type { EventQueue } from './redis-event-queue';
import { verifyBearer } from './verify-bearer';

export type WebhookOutcome =
  | 'accepted'
  | 'ignored'
  | 'unauthorized'
  | 'too_large'
  | 'invalid'
  | 'unavailable'
  | 'method_not_allowed';

export interface PrefectWebhookDeps {
  /** FLOWDESK_WEBHOOK_SECRET. The composition root does not mount the route when it is unset. */
  secret: string;
  queue: EventQueue;
  logger: Logger;
  /** Default 256 KiB: a flow-run event is ~2 KiB, the richer envelope a few more. */
  maxBodyBytes?: number;
  metrics?: { eventsReceived(outcome: WebhookOutcome): void };
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export const DEFAULT_WEBHOOK_BODY_LIMIT = 256 * 1024;

class BodyTooLargeError extends Error {}

export function createPrefectWebhookHandler(deps: PrefectWebhookDeps): NodeHandler {
  if (!deps.secret)
    throw new Error('createPrefectWebhookHandler needs a secret: leave the route off instead');
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  const logger = deps.logger.child({ component: 'prefect-webhook' });
  const count = (outcome: WebhookOutcome) => deps.metrics?.eventsReceived(outcome);

  const handle: NodeHandler = async (req, res) => {
    const remote = req.socket?.remoteAddress;
    if (req.method !== 'POST') {
      count('method_not_allowed');
      return send(res, 405, { error: 'method not allowed' }, { Allow: 'POST' });
    }
    if (!verifyBearer(req.headers.authorization, deps.secret)) {
      count('unauthorized');
      logger.warn(
        { remote, hasAuthorization: req.headers.authorization !== undefined },
        'webhook: bad bearer',
      );
      return send(res, 401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer realm="flowdesk"' });
    }

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        count('too_large');
        logger.warn({ remote, limit: maxBodyBytes }, 'webhook: body too large');
        send(res, 413, { error: `body larger than ${maxBodyBytes} bytes` }, { Connection: 'close' });
        discardRest(req, maxBodyBytes * 4);
        return;
      }
      logger.warn({ remote, err: error }, 'webhook: reading the body failed');
      req.destroy();
      return;
    }

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      count('invalid');
      return send(res, 400, { error: 'body is not valid JSON' });
    }

    const parsed = parsePrefectEvent(json);
    if (!parsed.ok) {
      const reason = clipReason(parsed.error);
      if (parsed.ignorable) {
        count('ignored');
        logger.debug({ reason }, 'webhook: event ignored');
        return send(res, 202, { accepted: false, ignored: true, reason });
      }
      count('invalid');
      logger.warn({ remote, reason }, 'webhook: invalid event');
      return send(res, 400, { error: reason });
    }

    const event = parsed.event;
    try {
      await deps.queue.enqueue(event);
    } catch (error) {
      count('unavailable');
      logger.error({ err: error, eventId: event.id }, 'webhook: could not persist the event');
      return send(res, 503, { error: 'temporarily unavailable, retry later' }, { 'Retry-After': '5' });
    }
    count('accepted');
    logger.debug(
      { eventId: event.id, flowRunId: event.flowRunId, state: event.state.name },
      'webhook: accepted',
    );
    return send(res, 202, { accepted: true, id: event.id });
  };

  // Bolt does not await custom route handlers: nothing may escape as an unhandled rejection.
  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      logger.error({ err: error }, 'webhook: unexpected error');
      send(res, 500, { error: 'internal error' });
    }
  };
}

/** Longest reason echoed back or logged: enough to recognise the event, not a copy of the body. */
export const MAX_REASON_CHARS = 200;

/**
 * A reason quotes the sender's own values (`prefect.resource.id`, the event name), which can be as
 * long as the body limit: echoing them whole would turn every ignored event into a reflected copy.
 */
function clipReason(reason: string): string {
  if (reason.length <= MAX_REASON_CHARS) return reason;
  // Counted in code points so an emoji is never cut in half.
  const points = Array.from(reason.slice(0, MAX_REASON_CHARS * 2));
  return points.length <= MAX_REASON_CHARS ? reason : `${points.slice(0, MAX_REASON_CHARS - 1).join('')}…`;
}

/** Reads the whole body, failing as soon as it grows past `limit` (Content-Length is checked first). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * After an early 413 the client is usually still sending: draining lets it read the answer instead of
 * seeing a reset, and the cap keeps an endless upload from holding the socket.
 */
function discardRest(req: IncomingMessage, cap: number): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > cap) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

function send(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(payload);
}
