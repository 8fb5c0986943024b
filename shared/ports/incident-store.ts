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
  /** Stores the verdict; a second verdict for the same incident is ignored (the first one stands). */
  recordVerdict(id: IncidentId, rca: Rca, at: Date): Promise<IncidentRecord>;
  get(id: IncidentId): Promise<IncidentRecord | undefined>;
}
