import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * true when the Authorization header is `Bearer <secret>`. Both sides are hashed first so the comparison
 * is constant-time whatever the lengths (timingSafeEqual needs equal lengths, and comparing raw lengths
 * would leak the secret's length).
 */
export function verifyBearer(authorization: string | string[] | undefined, secret: string): boolean {
  if (!secret || typeof authorization !== 'string') return false;
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return false;
  return timingSafeEqual(sha256(token), secretDigest(secret));
}

/** The secret's digest, computed once (the same secret is checked on every request). */
let known: { secret: string; digest: Buffer } | undefined;

function secretDigest(secret: string): Buffer {
  if (known?.secret !== secret) known = { secret, digest: sha256(secret) };
  return known.digest;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
