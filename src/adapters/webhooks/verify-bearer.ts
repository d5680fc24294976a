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
  return timingSafeEqual(sha256(token), sha256(secret));
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
