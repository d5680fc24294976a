/**
 * What a modal carries back in `private_metadata` when its answer must reach a request's thread:
 * the request, and where to show a refusal once the modal has closed (a view submission has no
 * channel). Compact keys keep it far below Slack's limit.
 */
import { LIMITS } from './limits';

export interface RequestModalMeta {
  requestId: string;
  channel?: string;
  threadTs?: string;
}

export function writeModalMeta(meta: RequestModalMeta): string {
  const compact = {
    r: meta.requestId,
    ...(meta.channel ? { c: meta.channel } : {}),
    ...(meta.threadTs ? { t: meta.threadTs } : {}),
  };
  return JSON.stringify(compact).slice(0, LIMITS.privateMetadata);
}

/** The metadata back from a submission; undefined when it is not ours. */
export function readModalMeta(raw: string): RequestModalMeta | undefined {
  try {
    const parsed = JSON.parse(raw) as { r?: unknown; c?: unknown; t?: unknown };
    if (typeof parsed.r !== 'string' || parsed.r === '') return undefined;
    return {
      requestId: parsed.r,
      ...(typeof parsed.c === 'string' ? { channel: parsed.c } : {}),
      ...(typeof parsed.t === 'string' ? { threadTs: parsed.t } : {}),
    };
  } catch {
    return undefined;
  }
}
