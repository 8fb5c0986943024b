import type { ParkedEntry, ParkingLot } from "../ports/parking-lot.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

const LOT = `${KEY_PREFIX}parked`;
const CLAIMED = `${KEY_PREFIX}parked:claimed`;
const LEASE = `${KEY_PREFIX}parked:lease`;
const FAILURES = `${KEY_PREFIX}parked:failures`;
/** A drainer that has not finished in this long is taken for crashed; its claims return to the lot. */
const LEASE_MS = 120_000;

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

/** KEYS: claimed, lot (for release) or claimed only (settle). ARGV: mode, entries… */
const SETTLE_SCRIPT = `
for i = 2, #ARGV do
  local removed = redis.call('LREM', KEYS[1], 1, ARGV[i])
  if ARGV[1] == 'release' and removed > 0 then redis.call('RPUSH', KEYS[2], ARGV[i]) end
end
return #ARGV - 1
`;

/** A Redis list: new messages at the head, the oldest claimed from the tail. */
export function createUpstashParkingLot(redis: Redis, options: { leaseMs?: number } = {}): ParkingLot {
  // Each drainer has its own lease token: only the holder may claim more or end the lease.
  const leaseToken = crypto.randomUUID();
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const claimScript = redis.createScript<string[]>(CLAIM_SCRIPT);
  const settleScript = redis.createScript<number>(SETTLE_SCRIPT);
  const move = async (mode: "settle" | "release", entries: readonly ParkedEntry[]) => {
    if (entries.length === 0) return;
    // Released entries go back oldest-last, so the oldest is claimed first again.
    const raws = entries.map((e) => e.raw);
    await settleScript.exec([CLAIMED, LOT], [mode, ...(mode === "release" ? raws.reverse() : raws)]);
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
    async settle(entries) {
      await move("settle", entries);
      if (entries.length > 0) await redis.hdel(FAILURES, ...entries.map((e) => failureField(e)));
    },
    release: (entries) => move("release", entries),
    async recordFailure(entry) {
      const count = await redis.hincrby(FAILURES, failureField(entry), 1);
      await redis.expire(FAILURES, 7 * 86_400);
      return count;
    },
    async endDrain() {
      // Only our own lease: a later drainer's must not be cut short.
      if ((await redis.get<string>(LEASE)) === leaseToken) await redis.del(LEASE);
    },
    async size() {
      return (await redis.llen(LOT)) + (await redis.llen(CLAIMED));
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
  return typeof id === "string" ? id : entry.raw.slice(0, 200);
}
