import type { IncidentId } from "../contracts/alert.ts";
import type { Admission, AlertIndex, AlertSighting, IncidentCounters } from "../ports/alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/** Key layout: `<prefix>fp:<fingerprint>` → open incident id; `<prefix>incident:<id>` → counters hash. */
export const KEY_PREFIX = "awoooi:";

export interface AlertIndexOptions {
  /** How long an open fingerprint aggregates repeats after its last sighting, in seconds. Default 86400 (24 h). */
  readonly dedupWindowSeconds?: number;
  /** How long incident counters stay readable after the last sighting, in seconds. Default 30 days. */
  readonly countersTtlSeconds?: number;
}

// The whole request's sightings in one atomic script, so concurrent requests
// cannot both open the same fingerprint, and a request costs one command.
const ADMIT_SCRIPT = `
local prefix, now, window, keep = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for i = 5, #ARGV, 3 do
  local fp, candidate, status = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local fpKey = prefix .. 'fp:' .. fp
  local open = redis.call('GET', fpKey)
  if status == 'resolved' then
    if open then
      redis.call('DEL', fpKey)
      local key = prefix .. 'incident:' .. open
      redis.call('HSET', key, 'resolved_at', now)
      out[#out + 1] = { open, 'resolved', tonumber(redis.call('HGET', key, 'hits') or '0') }
    else
      out[#out + 1] = { '', 'resolved', 0 }
    end
  elseif open then
    local key = prefix .. 'incident:' .. open
    local hits = redis.call('HINCRBY', key, 'hits', 1)
    redis.call('HSET', key, 'last_seen', now)
    redis.call('EXPIRE', fpKey, window)
    redis.call('EXPIRE', key, keep)
    out[#out + 1] = { open, 'aggregated', hits }
  else
    local key = prefix .. 'incident:' .. candidate
    redis.call('SET', fpKey, candidate, 'EX', window)
    redis.call('HSET', key, 'fingerprint', fp, 'hits', 1, 'first_seen', now, 'last_seen', now)
    redis.call('EXPIRE', key, keep)
    out[#out + 1] = { candidate, 'accepted', 1 }
  end
end
return out
`;

// Only removes what this request created: the fingerprint may already point elsewhere.
const RELEASE_SCRIPT = `
local prefix = ARGV[1]
for i = 2, #ARGV, 2 do
  local fpKey = prefix .. 'fp:' .. ARGV[i]
  if redis.call('GET', fpKey) == ARGV[i + 1] then redis.call('DEL', fpKey) end
  redis.call('DEL', prefix .. 'incident:' .. ARGV[i + 1])
end
return 1
`;

type AdmitRow = [incidentId: string, status: Admission["status"], hits: number];

export function createUpstashAlertIndex(redis: Redis, options: AlertIndexOptions = {}): AlertIndex {
  const window = options.dedupWindowSeconds ?? 86_400;
  const keep = options.countersTtlSeconds ?? 30 * 86_400;
  const admitScript = redis.createScript<AdmitRow[]>(ADMIT_SCRIPT);
  const releaseScript = redis.createScript<number>(RELEASE_SCRIPT);

  return {
    async admit(sightings: readonly AlertSighting[], nowMs: number): Promise<Admission[]> {
      if (sightings.length === 0) return [];
      const args = [KEY_PREFIX, String(nowMs), String(window), String(keep)];
      for (const s of sightings) args.push(s.fingerprint, s.candidateIncidentId, s.status);
      const rows = await admitScript.exec([], args);
      return rows.map(([incidentId, status, hits], index) => ({
        fingerprint: sightings[index]!.fingerprint,
        incidentId: incidentId === "" ? undefined : incidentId,
        status,
        hitCount: Number(hits),
      }));
    },

    async release(admissions): Promise<void> {
      if (admissions.length === 0) return;
      const args = [KEY_PREFIX];
      for (const a of admissions) args.push(a.fingerprint, a.incidentId);
      await releaseScript.exec([], args);
    },

    async counters(incidentId: IncidentId): Promise<IncidentCounters | undefined> {
      // With automatic deserialization off the client hands back Redis's array reply as is.
      const [hits, firstSeen, lastSeen] = (await redis.hmget(`${KEY_PREFIX}incident:${incidentId}`, "hits", "first_seen", "last_seen")) as unknown as Array<
        string | null
      >;
      if (hits === null || hits === undefined) return undefined;
      return { hitCount: Number(hits), firstSeen: Number(firstSeen), lastSeen: Number(lastSeen) };
    },
  };
}
