/**
 * A local Slack Socket Mode gateway for tests (a real WebSocket server on 127.0.0.1, random port),
 * for the fake Web API's apps.connections.open to hand out (`FakeSlackServer.setSocketModeUrl`).
 * It speaks Slack's protocol as @slack/socket-mode reads it: `hello` on every new connection,
 * envelopes `{ envelope_id, type, payload, accepts_response_payload[, retry_attempt, retry_reason] }`
 * for events_api / slash_commands / interactive, and `{ type: 'disconnect', reason }`. It records
 * every message a client sends back (acks are `{ envelope_id, payload? }`) and how each connection
 * ended. Pings are answered by `ws` itself.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export const FAKE_SOCKET_APP_ID = 'A0TEST';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface GatewayConnection {
  /** 1 for the first connection, 2 for the next… */
  id: number;
  /** The request path with its query, as the client asked for it. */
  path: string;
  /** Set when the connection ended: the close code the server saw (1006 when it was cut). */
  closedWith?: number;
  socket: WebSocket;
}

export interface ClientMessage {
  connection: number;
  /** The parsed JSON (undefined when the client sent something that is not JSON). */
  data: Record<string, unknown> | undefined;
  raw: string;
  at: number;
}

export interface EnvelopeOptions {
  envelopeId?: string;
  /** A redelivery: Slack counts attempts from 1 and says why (`timeout`, …). */
  retryAttempt?: number;
  retryReason?: string;
  acceptsResponsePayload?: boolean;
}

export class FakeSocketModeServer {
  readonly connections: GatewayConnection[] = [];
  readonly received: ClientMessage[] = [];
  private server?: WebSocketServer;
  private tickets = 0;

  /** Listens on 127.0.0.1:0; returns the base `ws://127.0.0.1:<port>/link/`. */
  async start(): Promise<string> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server = server;
    server.on('connection', (socket, req) => this.accept(socket, req.url ?? '/'));
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return this.baseUrl;
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('FakeSocketModeServer: not started');
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/`;
  }

  /** A fresh URL as apps.connections.open hands out (one ticket per call, like Slack's). */
  nextUrl(): string {
    this.tickets += 1;
    return `${this.baseUrl}?ticket=ticket-${this.tickets}&app_id=${FAKE_SOCKET_APP_ID}`;
  }

  /** Connections still open. */
  openConnections(): GatewayConnection[] {
    return this.connections.filter((c) => c.closedWith === undefined);
  }

  /** Sends an Events API body (`type: event_callback`) in an events_api envelope; returns its id. */
  pushEvent(eventCallback: object, options: EnvelopeOptions = {}): string {
    return this.pushEnvelope('events_api', eventCallback, { acceptsResponsePayload: false, ...options });
  }

  /** A slash command (the command's fields as JSON) in a slash_commands envelope. */
  pushSlashCommand(command: object, options: EnvelopeOptions = {}): string {
    return this.pushEnvelope('slash_commands', command, { acceptsResponsePayload: true, ...options });
  }

  /** An interaction (block_actions, view_submission…) in an interactive envelope. */
  pushInteractive(payload: object, options: EnvelopeOptions = {}): string {
    return this.pushEnvelope('interactive', payload, { acceptsResponsePayload: false, ...options });
  }

  pushEnvelope(type: EnvelopeType, payload: object, options: EnvelopeOptions = {}): string {
    const envelopeId = options.envelopeId ?? randomUUID();
    this.send({
      envelope_id: envelopeId,
      type,
      accepts_response_payload: options.acceptsResponsePayload ?? false,
      payload,
      ...(options.retryAttempt === undefined
        ? {}
        : { retry_attempt: options.retryAttempt, retry_reason: options.retryReason ?? 'timeout' }),
    });
    return envelopeId;
  }

  /** Slack asks the client to reconnect (it recycles the connection's host). */
  requestDisconnect(reason = 'refresh_requested'): void {
    this.send({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } });
  }

  /** Sends a message on the newest open connection (Slack uses any one of the app's connections). */
  send(message: object): void {
    const connection = this.openConnections().at(-1);
    if (!connection) throw new Error('FakeSocketModeServer: no open connection');
    connection.socket.send(JSON.stringify(message));
  }

  /** What the client sent back for `envelopeId` (its acks). */
  acksOf(envelopeId: string): ClientMessage[] {
    return this.received.filter((m) => m.data?.envelope_id === envelopeId);
  }

  async waitForAck(envelopeId: string, timeoutMs = 3000): Promise<ClientMessage> {
    return this.waitFor(() => this.acksOf(envelopeId)[0], timeoutMs, `the ack of ${envelopeId}`);
  }

  async waitForConnections(count: number, timeoutMs = 3000): Promise<GatewayConnection[]> {
    return this.waitFor(
      () => (this.connections.length >= count ? this.connections : undefined),
      timeoutMs,
      `${count} connection(s)`,
    );
  }

  async waitFor<T>(probe: () => T | undefined, timeoutMs = 3000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`FakeSocketModeServer: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Cuts every client (no close handshake) and stops listening. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: WebSocket, path: string): void {
    const connection: GatewayConnection = { id: this.connections.length + 1, path, socket };
    this.connections.push(connection);
    socket.on('message', (data, isBinary) => {
      const raw = isBinary ? '' : data.toString();
      this.received.push({ connection: connection.id, data: parseObject(raw), raw, at: Date.now() });
    });
    socket.on('close', (code) => {
      connection.closedWith = code;
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections().length,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: FAKE_SOCKET_APP_ID },
      }),
    );
  }
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
