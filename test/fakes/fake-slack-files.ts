/**
 * A local fake of the three steps of Slack's external file upload (what `filesUploadV2` does):
 * `files.getUploadURLExternal` (answers an `upload_url` pointing back here and a `file_id`), the
 * POST of the bytes to that URL (multipart, as @slack/web-api sends it), and
 * `files.completeUploadExternal` (refused for ids whose bytes never arrived). It also serves
 * plain files at `/files/<name>`, standing in for the storage a flow's link artifacts point at.
 * Real HTTP on 127.0.0.1, random port.
 */
import http from 'node:http';
import { closeServer, listenOnLoopback } from '../helpers/loopback-server';

export interface FilesCall {
  method: string;
  args: Record<string, string>;
  authorization?: string;
}

export interface ReceivedUpload {
  fileId: string;
  filename?: string;
  bytes: Buffer;
}

interface ServedFile {
  bytes: Buffer;
  contentType: string;
  /** Omit Content-Length (chunked), as streaming servers do. */
  chunked?: boolean;
  status?: number;
}

export class FakeSlackFiles {
  readonly calls: FilesCall[] = [];
  readonly uploads: ReceivedUpload[] = [];
  readonly downloads: string[] = [];
  private readonly served = new Map<string, ServedFile>();
  private readonly failures = new Map<string, string>();
  private server?: http.Server;
  private baseUrl = '';
  private counter = 0;

  constructor(readonly token = 'xoxb-files-test') {}

  async start(): Promise<{ apiUrl: string; baseUrl: string }> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.baseUrl = await listenOnLoopback(this.server);
    return { apiUrl: `${this.baseUrl}/api/`, baseUrl: this.baseUrl };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeServer(server);
  }

  /** A file a link artifact can point at: `${baseUrl}/files/${name}`. */
  serve(name: string, bytes: Buffer | string, options: Partial<Omit<ServedFile, 'bytes'>> = {}): string {
    this.served.set(name, {
      bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes),
      contentType: options.contentType ?? 'application/octet-stream',
      chunked: options.chunked,
      status: options.status,
    });
    return `${this.baseUrl}/files/${name}`;
  }

  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.failures.set(method, error);
  }

  callsOf(method: string): FilesCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path.startsWith('/files/'))
      return this.download(path.slice('/files/'.length), res);
    if (req.method === 'POST' && path.startsWith('/upload/'))
      return this.receive(path.slice('/upload/'.length), req, raw, res);
    if (req.method === 'POST' && path.startsWith('/api/'))
      return this.api(path.slice('/api/'.length), req, raw, res);
    res.writeHead(404).end();
  }

  private download(name: string, res: http.ServerResponse): void {
    this.downloads.push(name);
    const file = this.served.get(decodeURIComponent(name));
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const headers: Record<string, string> = { 'content-type': file.contentType };
    if (!file.chunked) headers['content-length'] = String(file.bytes.length);
    res.writeHead(file.status ?? 200, headers);
    if (file.chunked) {
      // Several writes so the client really streams.
      const step = Math.max(1, Math.ceil(file.bytes.length / 4));
      for (let i = 0; i < file.bytes.length; i += step) res.write(file.bytes.subarray(i, i + step));
    } else res.write(file.bytes);
    res.end();
  }

  private receive(fileId: string, req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const parts = parseMultipart(String(req.headers['content-type'] ?? ''), raw);
    const part = parts.find((p) => p.filename !== undefined) ?? parts[0];
    const bytes = part ? part.data : raw;
    this.uploads.push({ fileId, filename: part?.filename, bytes });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  private api(method: string, req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const args = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    this.calls.push({ method, args, authorization: req.headers.authorization });
    const body = this.answer(method, args, req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private answer(
    method: string,
    args: Record<string, string>,
    authorization?: string,
  ): Record<string, unknown> {
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      return { ok: false, error: failure };
    }
    if (authorization !== `Bearer ${this.token}`) return { ok: false, error: 'invalid_auth' };
    if (method === 'files.getUploadURLExternal') {
      if (!args.filename || !(Number(args.length) > 0)) return { ok: false, error: 'invalid_arguments' };
      this.counter += 1;
      const fileId = `F0FAKE${String(this.counter).padStart(4, '0')}`;
      return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
    }
    if (method === 'files.completeUploadExternal') {
      const files = safeJson(args.files) as Array<{ id?: string; title?: string }> | undefined;
      if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
      const missing = files.filter((f) => !this.uploads.some((u) => u.fileId === f.id));
      if (missing.length > 0) return { ok: false, error: 'file_not_found' };
      return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
    }
    return { ok: false, error: 'unknown_method' };
  }
}

interface MultipartPart {
  name?: string;
  filename?: string;
  data: Buffer;
}

/** Just enough multipart/form-data parsing for one or a few parts. */
export function parseMultipart(contentType: string, body: Buffer): MultipartPart[] {
  const boundary = contentType.match(/boundary=(?:"([^"]+)"|([^;]+))/i);
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2);
    const split = chunk.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = chunk.subarray(0, split).toString('utf8');
      parts.push({
        name: headers.match(/name="([^"]*)"/)?.[1],
        filename: headers.match(/filename="([^"]*)"/)?.[1],
        data: Buffer.from(chunk.subarray(split + 4)),
      });
    }
    start = next;
  }
  return parts;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
