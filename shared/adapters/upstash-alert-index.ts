import type { Fingerprint, IncidentId } from "../contracts/alert.ts";
import type { Admission, AdmissionPolicy, AdmitResult, AlertIndex, AlertSighting, IncidentCounters, Occurrences } from "../ports/alert-index.ts";
import { ADMIT_SCRIPT, ADOPT_SCRIPT, OCCURRENCES_SCRIPT, RELEASE_SCRIPT, TIMELINE_MS } from "./upstash-alert-index-scripts.ts";
import type { Redis } from "./upstash-redis.ts";

/**
 * Key layout (all under `awoooi:`):
 * - `fp:<fingerprint>` → open incident id, or `m:<id>` for a member absorbed into a storm/overflow incident
 * - `incident:<id>` → hash fingerprint, kind, hits, members, first_seen, last_seen[, resolved_at]
 * - `timeline:<fingerprint>` → sorted set of sighting times (anomaly counter), 7 days
 * - `rate:<source>:<minute>`, `storm:<group>:<minute>` → per-minute counters
 */
export const KEY_PREFIX = "awoooi:";

export interface AlertIndexOptions {
  /** How long an open fingerprint aggregates repeats after its last sighting, in seconds. Default 86400 (24 h). */
  readonly dedupWindowSeconds?: number;
  /** How long incident counters stay readable after the last sighting, in seconds. Default 30 days. */
  readonly countersTtlSeconds?: number;
}

/** One row of the admit script's answer, per sighting in order. */
type AdmitRow = [incidentId: string, status: Admission["status"], hits: number, event: Admission["event"]];

export function createUpstashAlertIndex(redis: Redis, options: AlertIndexOptions = {}): AlertIndex {
  const window = options.dedupWindowSeconds ?? 86_400;
  const keep = options.countersTtlSeconds ?? 30 * 86_400;
  const admitScript = redis.createScript<AdmitRow[] | ["refused", number]>(ADMIT_SCRIPT);
  const releaseScript = redis.createScript<number>(RELEASE_SCRIPT);
  const occurrencesScript = redis.createScript<[number, number, number, string]>(OCCURRENCES_SCRIPT);
  const adoptScript = redis.createScript<number>(ADOPT_SCRIPT);

  return {
    async admit(sightings: readonly AlertSighting[], policy: AdmissionPolicy, nowMs: number): Promise<AdmitResult> {
      if (sightings.length === 0) return { kind: "admitted", admissions: [] };
      const args = [
        KEY_PREFIX,
        String(nowMs),
        String(window),
        String(keep),
        policy.source,
        String(policy.rateLimitPerMinute),
        policy.overLimit,
        policy.overflowFingerprint,
        policy.overflowCandidateId,
        String(policy.stormThreshold),
        String(TIMELINE_MS),
      ];
      const deltas = policy.metricDeltas ?? [];
      args.push(String(deltas.length));
      for (const [field, delta] of deltas) args.push(field, String(delta));
      for (const s of sightings) args.push(s.fingerprint, s.candidateIncidentId, s.status, s.stormGroup, s.stormFingerprint, s.stormCandidateId);
      const rows = await admitScript.exec([], args);
      if (rows[0] === "refused") return { kind: "refused", retryAfterSeconds: Number(rows[1]) };
      return {
        kind: "admitted",
        admissions: (rows as AdmitRow[]).map(([incidentId, status, hits, event], index) => ({
          fingerprint: sightings[index]!.fingerprint,
          incidentId: incidentId === "" ? undefined : incidentId,
          status,
          hitCount: Number(hits),
          event,
        })),
      };
    },

    async release(keys, incidentIds, counts): Promise<void> {
      if (keys.length === 0 && incidentIds.length === 0 && !counts) return;
      const args = [KEY_PREFIX, String(keys.length)];
      for (const key of keys) args.push(key.fingerprint, key.value);
      args.push(String(incidentIds.length), ...incidentIds);
      if (counts) {
        args.push(String(Math.floor(counts.nowMs / 60_000)), counts.source, String(counts.opened));
        for (const [group, n] of Object.entries(counts.stormGroups)) args.push(group, String(n));
      }
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

    async adopt(fingerprint, fromId, toId): Promise<void> {
      await adoptScript.exec([`${KEY_PREFIX}fp:${fingerprint}`, `${KEY_PREFIX}incident:${fromId}`, `${KEY_PREFIX}incident:${toId}`], [fromId, toId]);
    },

    async occurrences(fingerprint: Fingerprint, beforeMs: number): Promise<Occurrences> {
      const [hour, day, week, previous] = await occurrencesScript.exec([`${KEY_PREFIX}timeline:${fingerprint}`], [String(beforeMs)]);
      return { lastHour: Number(hour), lastDay: Number(day), lastWeek: Number(week), previous: previous === "" ? undefined : Number(previous) };
    },
  };
}
