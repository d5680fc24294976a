/**
 * Uploads the files a finished run points at (link artifacts to a .csv, .png, .pdf, .xlsx, .json,
 * .txt, …) into the request's thread with `files.uploadV2` (files.getUploadURLExternal → POST the
 * bytes → files.completeUploadExternal; needs the `files:write` scope).
 *
 * Only https URLs are fetched (plain http only to localhost, and only when allowed — tests), with a
 * timeout and a size cap checked both on Content-Length and while reading. Every failure becomes a
 * short note for the thread and a log line; this function never throws. Notes and logs name the
 * file, never the full URL: presigned links carry credentials in their query string.
 */
import type { webApi } from '@slack/bolt';
import type { Logger, RunArtifact } from '../../../core/ports';
import { artifactKind, linkOf } from '../../../core/results/artifact-values';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface UploadResultFilesOptions {
  client: Pick<webApi.WebClient, 'filesUploadV2'>;
  channel: string;
  /** The thread's parent ts. */
  threadTs: string;
  artifacts: readonly RunArtifact[];
  /** Injected for tests; defaults to the global fetch. */
  fetchFile?: FetchLike;
  /** Per file (default 20 MB). */
  maxBytes?: number;
  /** Most files uploaded from one run (default 5). */
  maxFiles?: number;
  timeoutMs?: number;
  /** Allows http://localhost / 127.0.0.1 (tests and local development only). */
  allowHttpLocalhost?: boolean;
  logger: Logger;
}

export interface UploadedFile {
  filename: string;
  fileId?: string;
  bytes: number;
}

export interface UploadOutcome {
  uploaded: UploadedFile[];
  /** Short, safe-to-show sentences about files that were not uploaded. */
  notes: string[];
}

export const FILE_EXTENSIONS = ['csv', 'tsv', 'png', 'jpg', 'jpeg', 'gif', 'pdf', 'xlsx', 'json', 'txt'];
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

interface Candidate {
  url: URL;
  filename: string;
  title: string;
}

interface Downloaded extends Candidate {
  bytes: Buffer;
}

class DownloadProblem extends Error {}

export async function uploadResultFiles(options: UploadResultFilesOptions): Promise<UploadOutcome> {
  const notes: string[] = [];
  const candidates = fileCandidates(options.artifacts, options.allowHttpLocalhost === true);
  const maxFiles = Math.max(0, options.maxFiles ?? 5);
  if (candidates.length > maxFiles)
    notes.push(`${candidates.length - maxFiles} more files were not uploaded.`);
  const downloaded: Downloaded[] = [];
  for (const candidate of candidates.slice(0, maxFiles)) {
    try {
      downloaded.push({ ...candidate, bytes: await download(candidate, options) });
    } catch (error) {
      const reason = error instanceof DownloadProblem ? error.message : 'download failed';
      notes.push(`${candidate.filename} was not uploaded: ${reason}.`);
      options.logger.warn(
        { file: candidate.filename, host: candidate.url.host, err: describe(error) },
        'result file download failed',
      );
    }
  }
  if (downloaded.length === 0) return { uploaded: [], notes };
  return upload(downloaded, options, notes);
}

async function upload(
  files: Downloaded[],
  options: UploadResultFilesOptions,
  notes: string[],
): Promise<UploadOutcome> {
  try {
    const result = await options.client.filesUploadV2({
      channel_id: options.channel,
      thread_ts: options.threadTs,
      file_uploads: files.map((f) => ({ file: f.bytes, filename: f.filename, title: f.title })),
    });
    const ids = completedFileIds(result);
    const uploaded = files.map((f, i) => ({ filename: f.filename, bytes: f.bytes.length, fileId: ids[i] }));
    return { uploaded, notes };
  } catch (error) {
    options.logger.warn(
      { files: files.map((f) => f.filename), err: describe(error) },
      'files.uploadV2 failed (is the files:write scope granted?)',
    );
    notes.push(`${files.map((f) => f.filename).join(', ')} could not be uploaded to Slack.`);
    return { uploaded: [], notes };
  }
}

/** filesUploadV2 answers `{ files: [{ files: [{ id }] }] }` (one completion per destination). */
function completedFileIds(result: unknown): Array<string | undefined> {
  const completions = (result as { files?: Array<{ files?: Array<{ id?: string }> }> })?.files ?? [];
  return completions.flatMap((c) => (c.files ?? []).map((f) => f.id));
}

/** Link artifacts whose URL names a file we upload, de-duplicated by URL. */
export function fileCandidates(artifacts: readonly RunArtifact[], allowHttpLocalhost = false): Candidate[] {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const artifact of artifacts) {
    if (artifactKind(artifact) !== 'link') continue;
    const link = linkOf(artifact);
    const url = link ? parseUrl(link.url) : undefined;
    if (!url || !isFetchable(url, allowHttpLocalhost) || seen.has(url.href)) continue;
    const filename = fileNameOf(url);
    if (!filename) continue;
    seen.add(url.href);
    const title = link?.text ?? artifact.description ?? artifact.key ?? filename;
    candidates.push({ url, filename, title: title.replace(/\s+/g, ' ').slice(0, 200) });
  }
  return candidates;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function isFetchable(url: URL, allowHttpLocalhost: boolean): boolean {
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return allowHttpLocalhost && url.protocol === 'http:' && isLocalhost(url.hostname);
}

function isLocalhost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** The last path segment when it ends in a known extension, made safe as a file name. */
export function fileNameOf(url: URL): string | undefined {
  const last = url.pathname.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  const extension = name.toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1];
  if (!extension || !FILE_EXTENSIONS.includes(extension)) return undefined;
  const safe = name.replace(/[^\w.\- ]+/g, '_').replace(/^\.+/, '');
  return safe.length > 100 ? `${safe.slice(0, 100 - extension.length - 1)}.${extension}` : safe;
}

async function download(candidate: Candidate, options: UploadResultFilesOptions): Promise<Buffer> {
  const fetchFile = options.fetchFile ?? ((url, init) => fetch(url, init));
  const maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const response = await fetchFile(candidate.url.href, {
    redirect: 'follow',
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadProblem(`the download answered HTTP ${response.status}`);
  }
  const finalUrl = response.url ? parseUrl(response.url) : candidate.url;
  if (!finalUrl || !isFetchable(finalUrl, options.allowHttpLocalhost === true)) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadProblem('it was redirected to a URL that is not https');
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadProblem(`it is larger than ${formatBytes(maxBytes)}`);
  }
  return readCapped(response, maxBytes);
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new DownloadProblem(`it is larger than ${formatBytes(maxBytes)}`);
    }
    chunks.push(Buffer.from(value));
  }
  if (total === 0) throw new DownloadProblem('the file is empty');
  return Buffer.concat(chunks);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** Error text for logs, without URLs (they may carry signed credentials). */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/https?:\/\/[^\s'"]+/g, (url) => url.replace(/\?.*$/, '?…'));
}
