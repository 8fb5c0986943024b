import type { AlertStatus, Fingerprint, IncidentId } from "../contracts/alert.ts";

export interface AlertSighting {
  readonly fingerprint: Fingerprint;
  /** Used as the incident id when this fingerprint opens a new incident. */
  readonly candidateIncidentId: IncidentId;
  readonly status: AlertStatus;
  /** Storm group of the alert (its alert_type + namespace). */
  readonly stormGroup: string;
  /** Identity of the storm incident this group's overflow is absorbed into. */
  readonly stormFingerprint: Fingerprint;
  readonly stormCandidateId: IncidentId;
}

export interface AdmissionPolicy {
  /** Source name the rate limit counts by. */
  readonly source: string;
  /** New incidents a source may open per minute. Repeats of open incidents never count. */
  readonly rateLimitPerMinute: number;
  /**
   * Over the limit: `refuse` the request (429, nothing stored — for senders that
   * retry), or `absorb` new alerts into one overflow incident per source (for
   * Alertmanager and SigNoz, which drop 4xx answers).
   */
  readonly overLimit: "refuse" | "absorb";
  readonly overflowFingerprint: Fingerprint;
  readonly overflowCandidateId: IncidentId;
  /** New fingerprints per minute in one storm group before the rest are absorbed. Default 10. */
  readonly stormThreshold: number;
  /**
   * Metric samples to add to the metrics hash in the same round trip (e.g. the
   * latencies of earlier requests): `[field, delta]` with fields as `metricKey` builds them.
   */
  readonly metricDeltas?: ReadonlyArray<readonly [field: string, delta: number]>;
}

export type AdmissionStatus = "accepted" | "aggregated" | "resolved" | "storm" | "rate_limited";

/** What a sighting did to the incident it landed on. */
export type AdmissionEvent = "opened" | "opened_storm" | "opened_overflow" | "closed" | "none";

export interface Admission {
  readonly fingerprint: Fingerprint;
  /** The incident the sighting belongs to; undefined for a resolve of nothing open. */
  readonly incidentId: IncidentId | undefined;
  readonly status: AdmissionStatus;
  readonly hitCount: number;
  readonly event: AdmissionEvent;
}

export type AdmitResult =
  | { readonly kind: "admitted"; readonly admissions: readonly Admission[] }
  | { readonly kind: "refused"; readonly retryAfterSeconds: number };

export interface IncidentCounters {
  readonly hitCount: number;
  /** Unix milliseconds. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** How often a fingerprint fired recently (the anomaly counter). */
export interface Occurrences {
  readonly lastHour: number;
  readonly lastDay: number;
  readonly lastWeek: number;
  /** Unix milliseconds of the latest sighting before `before`, if any. */
  readonly previous: number | undefined;
}

/** Per-minute counters an undone admission had raised: taken back so the sender's retry is not counted twice. */
export interface ReleasedCounts {
  readonly nowMs: number;
  readonly source: string;
  /** Incidents the admission opened (the rate limit counts them). */
  readonly opened: number;
  /** New fingerprints per storm group (the storm guard counts them). */
  readonly stormGroups: Readonly<Record<string, number>>;
}

/** A key written by an admission that must be undone when its hand-off fails. */
export interface Release {
  readonly fingerprint: Fingerprint;
  /** The value the fingerprint's key must still hold to be deleted. */
  readonly value: string;
}

/**
 * The hot-path index of open incidents by fingerprint (Redis). Implementations
 * must admit a whole request's sightings atomically and in one round trip.
 */
export interface AlertIndex {
  admit(sightings: readonly AlertSighting[], policy: AdmissionPolicy, nowMs: number): Promise<AdmitResult>;
  /** Undoes the keys of incidents this request opened, so the sender's retry counts as new. */
  release(keys: readonly Release[], incidentIds: readonly IncidentId[], counts?: ReleasedCounts): Promise<void>;
  counters(incidentId: IncidentId): Promise<IncidentCounters | undefined>;
  /**
   * Points a fingerprint admitted as `fromId` at the incident `toId` that
   * Postgres already has open for it (Redis lost it, e.g. in an outage), moving
   * the hits along, so later sightings aggregate into the one incident.
   */
  adopt(fingerprint: Fingerprint, fromId: IncidentId, toId: IncidentId): Promise<void>;
  occurrences(fingerprint: Fingerprint, beforeMs: number): Promise<Occurrences>;
}

/** Value an admitted fingerprint's key holds: the incident id, or `m:<id>` for members absorbed into a storm/overflow incident. */
export const memberValue = (incidentId: IncidentId) => `m:${incidentId}`;
