import { clip } from "../domain/text.ts";
import type { ParkedEntry, ParkingLot } from "../ports/parking-lot.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

const LOT = `${KEY_PREFIX}parked`;
const CLAIMED = `${KEY_PREFIX}parked:claimed`;
const LEASE = `${KEY_PREFIX}parked:lease`;
const FAILURES = `${KEY_PREFIX}parked:failures`;
/** A drainer that has not finished in this long is taken for crashed; its claims return to the lot. */
const LEASE_MS = 120_000;
/** Failure counts of entries that were never settled are forgotten after a week. */
const FAILURES_TTL_SECONDS = 7 * 86_400;

/**
 * One round trip: take the lease (or give up if another drainer holds it),
 * return entries a crashed drainer left claimed to the lot's oldest end, then
 * move up to ARGV[2] of the oldest entries to the claimed list.
 * KEYS: lot, claimed, lease. ARGV: lease token, limit, lease ms.
 */
const CLAIM_SCRIPT = `
local current = redis.call('GET', KEYS[3])
if current and current ~= ARGV[1] then return {} end
if not current then
  while redis.call('LMOVE', KEYS[2], KEYS[1], 'LEFT', 'RIGHT') do end
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[3])
local out = {}
for i = 1, tonumber(ARGV[2]) do
  local entry = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not entry then break end
  out[#out + 1] = entry
end
return out
`;

/**
 * Settles (removes) or releases (returns to the lot's oldest end) claimed
 * entries; a settled entry's failure count goes with it.
 * KEYS: claimed, lot, failures. ARGV: mode, then entry and failure field pairs.
 */
const SETTLE_SCRIPT = `
for i = 2, #ARGV, 2 do
  local removed = redis.call('LREM', KEYS[1], 1, ARGV[i])
  if ARGV[1] == 'release' then
    if removed > 0 then redis.call('RPUSH', KEYS[2], ARGV[i]) end
  else
    redis.call('HDEL', KEYS[3], ARGV[i + 1])
  end
end
return 1
`;

/** KEYS: failures. ARGV: field, ttl seconds. Answers the new count. */
const FAILURE_SCRIPT = `
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return count
`;

/** KEYS: lease. ARGV: token. Deletes the lease only while it is still this drainer's. */
const END_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: lot, claimed. Everything not yet sent: waiting and claimed. */
const SIZE_SCRIPT = `return redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])`;

/** A Redis list: new messages at the head, the oldest claimed from the tail. */
export function createUpstashParkingLot(redis: Redis, options: { leaseMs?: number } = {}): ParkingLot {
  // Each drainer has its own lease token: only the holder may claim more or end the lease.
  const leaseToken = crypto.randomUUID();
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const claimScript = redis.createScript<string[]>(CLAIM_SCRIPT);
  const settleScript = redis.createScript<number>(SETTLE_SCRIPT);
  const failureScript = redis.createScript<number>(FAILURE_SCRIPT);
  const endScript = redis.createScript<number>(END_SCRIPT);
  const sizeScript = redis.createScript<number>(SIZE_SCRIPT);
  const move = async (mode: "settle" | "release", entries: readonly ParkedEntry[]) => {
    if (entries.length === 0) return;
    // Released entries go back oldest-last, so the oldest is claimed first again.
    const ordered = mode === "release" ? [...entries].reverse() : entries;
    await settleScript.exec([CLAIMED, LOT, FAILURES], [mode, ...ordered.flatMap((e) => [e.raw, failureField(e)])]);
  };
  return {
    async park(messages) {
      if (messages.length === 0) return;
      await redis.lpush(LOT, ...messages.map((m) => JSON.stringify(m)));
    },
    async claim(limit) {
      const raws = (await claimScript.exec([LOT, CLAIMED, LEASE], [leaseToken, String(limit), String(leaseMs)])) ?? [];
      return raws.map((raw) => ({ raw, body: parse(raw) }));
    },
    settle: (entries) => move("settle", entries),
    release: (entries) => move("release", entries),
    async recordFailure(entry) {
      return Number(await failureScript.exec([FAILURES], [failureField(entry), String(FAILURES_TTL_SECONDS)]));
    },
    async endDrain() {
      // Only our own lease: a later drainer's must not be cut short.
      await endScript.exec([LEASE], [leaseToken]);
    },
    async size() {
      return Number(await sizeScript.exec([LOT, CLAIMED], []));
    },
  };
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Failures are counted per message id when there is one, else per stored text. */
function failureField(entry: ParkedEntry): string {
  const id = (entry.body as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : clip(entry.raw, 200);
}
