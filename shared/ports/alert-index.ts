import type { AlertStatus, Fingerprint, IncidentId } from "../contracts/alert.ts";

export interface AlertSighting {
  readonly fingerprint: Fingerprint;
  /** Used as the incident id when this fingerprint has no open incident. */
  readonly candidateIncidentId: IncidentId;
  readonly status: AlertStatus;
}

export type AdmissionStatus = "accepted" | "aggregated" | "resolved";

export interface Admission {
  readonly fingerprint: Fingerprint;
  /** The open incident the sighting belongs to; undefined for a resolve of nothing open. */
  readonly incidentId: IncidentId | undefined;
  readonly status: AdmissionStatus;
  readonly hitCount: number;
}

export interface IncidentCounters {
  readonly hitCount: number;
  /** Unix milliseconds. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * The hot-path index of open incidents by fingerprint (Redis). Implementations
 * must admit a whole request's sightings atomically and in one round trip.
 */
export interface AlertIndex {
  /** New fingerprints get their candidate id; repeats get the open id and a bumped hit count. */
  admit(sightings: readonly AlertSighting[], nowMs: number): Promise<Admission[]>;
  /** Undoes the admission of new incidents whose hand-off failed, so the sender's retry counts as new. */
  release(admissions: ReadonlyArray<{ readonly fingerprint: Fingerprint; readonly incidentId: IncidentId }>): Promise<void>;
  counters(incidentId: IncidentId): Promise<IncidentCounters | undefined>;
}
