import type { Fingerprint, IncidentId, NormalizedAlert } from "../contracts/alert.ts";
import type { Rca } from "../contracts/rca.ts";

export type IncidentStatus = "analyzing" | "analyzed" | "resolved";

export interface IncidentRecord {
  readonly id: IncidentId;
  readonly fingerprint: Fingerprint;
  readonly status: IncidentStatus;
  readonly alert: NormalizedAlert;
  readonly rca: Rca | undefined;
  readonly openedAt: Date;
  readonly analyzedAt: Date | undefined;
  readonly resolvedAt: Date | undefined;
}

/** Incidents in Postgres. Every write is idempotent on the incident id. */
export interface IncidentStore {
  /** Creates the incident, or returns the existing one with that id unchanged. */
  open(input: { id: IncidentId; fingerprint: Fingerprint; alert: NormalizedAlert; openedAt: Date; correlationId: string }): Promise<IncidentRecord>;
  /**
   * Like `open`, but when another incident of the same fingerprint is still open
   * (recorded after `since`) returns that one with `created: false` instead. Used
   * for alerts ingested without Redis; serialised per fingerprint.
   */
  openUnlessOpen(
    input: { id: IncidentId; fingerprint: Fingerprint; alert: NormalizedAlert; openedAt: Date; correlationId: string },
    since: Date,
  ): Promise<{ incident: IncidentRecord; created: boolean }>;
  /** Closes an incident (first resolution wins); undefined when it does not exist (yet). */
  resolve(id: IncidentId, at: Date): Promise<IncidentRecord | undefined>;
  /** Closes every open incident of a fingerprint; returns those it closed. */
  resolveByFingerprint(fingerprint: Fingerprint, at: Date): Promise<IncidentRecord[]>;
  /** Stores the verdict; a second verdict for the same incident is ignored (the first one stands). */
  recordVerdict(id: IncidentId, rca: Rca, at: Date): Promise<IncidentRecord>;
  get(id: IncidentId): Promise<IncidentRecord | undefined>;
}
