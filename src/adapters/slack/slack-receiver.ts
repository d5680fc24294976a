/**
 * The receiver Bolt listens with. HTTP mode: an explicit HTTPReceiver so the body limit (413),
 * signature checks (401), the unhandled-request timeout and a plain 404 for unknown paths apply,
 * with `processBeforeResponse: false` (events are acked before listeners run). Socket Mode when
 * an app token is given; the custom routes are then served on `port` by Bolt's side server.
 */
import type { Server } from 'node:http';
import {
  type Logger as BoltLogger,
  type CustomRoute,
  HTTPReceiver,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import { FlowdeskError } from '../../core/errors';

export interface ReceiverOptions {
  signingSecret?: string;
  appToken?: string;
  port: number;
  customRoutes: CustomRoute[];
  logger: BoltLogger;
  /** Web API options for Socket Mode's apps.connections.open client. */
  socketClientOptions: webApi.WebClientOptions;
  unhandledRequestTimeoutMillis?: number;
  bodyLimit?: number;
}

export function createReceiver(options: ReceiverOptions): HTTPReceiver | SocketModeReceiver {
  if (options.appToken) {
    return new SocketModeReceiver({
      appToken: options.appToken,
      logger: options.logger,
      customRoutes: options.customRoutes,
      installerOptions: { port: options.port, clientOptions: options.socketClientOptions },
    });
  }
  if (!options.signingSecret) {
    throw new FlowdeskError(
      'config_invalid',
      'HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode).',
    );
  }
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    customRoutes: options.customRoutes,
    logger: options.logger,
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis ?? 3001,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    dispatchErrorHandler: async ({ response }) => {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found');
    },
  });
  serveExactPathsFirst(receiver, options.customRoutes);
  return receiver;
}

/**
 * Bolt finds a custom route by compiling every route's path pattern (path-to-regexp) on every
 * request: a few percent of the webhook path's CPU under load. Routes with a plain path are
 * looked up by that path first; anything else (a pattern, a path spelled another way) goes to
 * Bolt's router as before.
 */
function serveExactPathsFirst(receiver: HTTPReceiver, routes: readonly CustomRoute[]): void {
  const handlers = new Map<string, CustomRoute['handler']>();
  for (const route of routes) {
    if (/[:*()?+]/.test(route.path)) continue;
    for (const method of [route.method].flat())
      handlers.set(`${method.toUpperCase()} ${route.path}`, route.handler);
  }
  const bolt = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    const handler = handlers.get(`${req.method} ${path}`);
    if (!handler) return bolt(req, res);
    return handler(Object.assign(req, { params: {} }), res);
  };
}

/**
 * Bolt answers 413 without reading the rest of an oversized body; keeping that connection alive
 * leaves the unread bytes in front of the next request on it. Closing it is what a server should do.
 */
export function closeAfterOversizedBodies(server: Server, bodyLimit: number): void {
  server.prependListener('request', (req, res) => {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > bodyLimit) res.setHeader('connection', 'close');
  });
}
