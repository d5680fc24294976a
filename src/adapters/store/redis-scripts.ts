/**
 * Lua scripts run by the Redis store. Redis runs each script atomically, which is what gives
 * "one winner" across every process sharing the server. Scripts are sent by SHA (EVALSHA) and
 * loaded with EVAL only when the server does not know them yet (after a restart or SCRIPT FLUSH).
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
  readonly keyCount: number;
}

function defineScript(name: string, keyCount: number, source: string): LuaScript {
  return { name, keyCount, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: request, user index, recent index, expiries, once-claim. ARGV: json, score, id, recent cap,
 * user cap, expiry time in ms ('' for none), once-claim TTL in ms ('' for none).
 * Writes the record only if the id is new and the once-claim (when given) was not taken, and
 * indexes it, schedules its expiry and takes the claim in the same atomic step: an index never
 * points at a request that was not created, a created request never misses its expiry, and a
 * message delivered twice creates one request.
 */
export const CREATE_REQUEST = defineScript(
  'createRequest',
  5,
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[7] ~= '' and not redis.call('SET', KEYS[5], '1', 'PX', ARGV[7], 'NX') then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[5]) + 1))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[4], ARGV[6], ARGV[3]) end
return 1
`,
);

/**
 * KEYS: request. ARGV: next json (already carrying version = expected + 1), expected version.
 * Returns 1 (written), 0 (missing or version moved on), -1 (stored value is not JSON).
 * The JSON is built in JS and only the stored version is decoded here: re-encoding with cjson
 * would turn empty arrays (`approvals: []`) into objects.
 */
export const COMPARE_AND_SET = defineScript(
  'compareAndSet',
  1,
  `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, stored = pcall(cjson.decode, raw)
if not ok or type(stored) ~= 'table' then return -1 end
if tonumber(stored['version']) ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`,
);

/** KEYS: lease. ARGV: owner, ttl ms. Takes a free lease, or extends it when `owner` holds it. */
export const ACQUIRE_LEASE = defineScript(
  'acquireLease',
  1,
  `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`,
);

/** KEYS: lease. ARGV: owner. Deletes the lease only if `owner` still holds it. */
export const RELEASE_LEASE = defineScript(
  'releaseLease',
  1,
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
);

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** Runs a script and returns its integer reply. */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<number> {
  if (keys.length !== script.keyCount) {
    throw new Error(`script ${script.name} expects ${script.keyCount} keys, got ${keys.length}`);
  }
  let reply: unknown;
  try {
    reply = await redis.evalsha(script.sha, script.keyCount, ...keys, ...args);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    reply = await redis.eval(script.source, script.keyCount, ...keys, ...args);
  }
  return Number(reply);
}
