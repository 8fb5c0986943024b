import type { Fingerprint, IncidentId, NormalizedAlert } from "../contracts/alert.ts";
import type { AnalysisAttempt } from "../contracts/analysis.ts";
import type { Triage } from "../contracts/approval.ts";
import type { Rca, RcaProvider } from "../contracts/rca.ts";
import type { ListFilter } from "./approval-store.ts";

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
  /** Providers tried so far, with why each was passed over. */
  readonly attempts: readonly AnalysisAttempt[];
  /** A slow provider's job still awaited. */
  readonly pending: PendingJob | undefined;
  readonly analysisDurationMs: number | undefined;
  readonly classifySentAt: Date | undefined;
  /** The trust engine's decision, once classify has made it. */
  readonly triage: Triage | undefined;
}

export interface PendingJob {
  readonly jobId: string;
  readonly provider: RcaProvider;
  /** Index of that provider in the chain, so the chain can carry on after it. */
  readonly position: number;
  readonly until: Date;
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
  /** Stores the verdict, the analysis duration and clears any pending job; a second verdict is ignored (the first one stands). */
  recordVerdict(id: IncidentId, rca: Rca, at: Date): Promise<IncidentRecord>;
  /** Marks when analysis began (first call wins). */
  startAnalysis(id: IncidentId, at: Date): Promise<void>;
  recordAttempt(id: IncidentId, attempt: AnalysisAttempt): Promise<void>;
  setPending(id: IncidentId, job: PendingJob): Promise<void>;
  /**
   * Takes the pending job if it is still `jobId`: exactly one of a racing
   * callback and timeout gets its position back; the other gets undefined.
   */
  claimPending(id: IncidentId, jobId: string): Promise<number | undefined>;
  markClassifySent(id: IncidentId, at: Date): Promise<void>;
  get(id: IncidentId): Promise<IncidentRecord | undefined>;
  /** Keeps the trust decision (first one wins) with an audit row. */
  recordTriage(id: IncidentId, triage: Triage): Promise<void>;
  list(filter: ListFilter<IncidentStatus>): Promise<IncidentRecord[]>;
}
