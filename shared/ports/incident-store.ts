import type { Fingerprint, IncidentId, NormalizedAlert, Priority } from "../contracts/alert.ts";
import type { AnalysisAttempt } from "../contracts/analysis.ts";
import type { Triage } from "../contracts/approval.ts";
import type { ClusterContext } from "../contracts/context.ts";
import type { Rca, RcaProvider } from "../contracts/rca.ts";
import type { TicketRef } from "../contracts/ticket.ts";
import type { SlaPolicy } from "../domain/sla.ts";
import type { ListFilter } from "./approval-store.ts";

export type IncidentStatus = "analyzing" | "analyzed" | "resolved";

export interface IncidentRecord {
  readonly id: IncidentId;
  readonly fingerprint: Fingerprint;
  readonly status: IncidentStatus;
  /** The ingest request's id (a caller's `X-Request-Id`, or one made up): carried by every message, log line and hand-off about the incident. */
  readonly correlationId: string;
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
  /** What the relay gathered about the alert's objects before the analysis (absent without a relay or when it could not). */
  readonly clusterContext: ClusterContext | undefined;
  /** The tracker ticket notify opened for it (TICKET_SYSTEM). */
  readonly ticket: TicketRef | undefined;
  /** The trust engine's decision, once classify has made it. */
  readonly triage: Triage | undefined;
  /** Who said they are on it, and when (`/ack`, the Acknowledge button, the ops API). */
  readonly acknowledged: { readonly at: Date; readonly by: string } | undefined;
  /** The highest escalation level the incident itself reached (its approval escalates on its own). */
  readonly escalationLevel: number;
  /** Every escalation step, the incident's and its approval's, oldest first. */
  readonly escalations: readonly EscalationStep[];
}

/** One step up the ladder (seed 001 §6.2), as kept on the incident. */
export interface EscalationStep {
  readonly level: number;
  readonly role: string;
  /** Why: an approval waiting past the response SLA, a notice nobody acknowledged, an incident open past the resolution SLA. */
  readonly reason: "approval_pending" | "unacknowledged" | "unresolved";
  readonly at: string;
  /** The roster entries of that level. */
  readonly reached: readonly string[];
}

/** An open incident that may have to climb: what the sweep needs to decide. */
export interface EscalationCandidate {
  readonly incident: IncidentRecord;
  /** Nothing to sign and nobody acknowledged it: the response SLA applies. */
  readonly awaitingAck: boolean;
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
  /** Keeps the cluster context gathered for the analysis (the first one stands: every provider saw that one). */
  recordContext(id: IncidentId, context: ClusterContext): Promise<void>;
  setPending(id: IncidentId, job: PendingJob): Promise<void>;
  /**
   * Takes the pending job if it is still `jobId`: exactly one of a racing
   * callback and timeout gets its position back; the other gets undefined.
   */
  claimPending(id: IncidentId, jobId: string): Promise<number | undefined>;
  markClassifySent(id: IncidentId, at: Date): Promise<void>;
  get(id: IncidentId): Promise<IncidentRecord | undefined>;
  /**
   * The incident, or — for an id analyze folded into an incident already open
   * for its fingerprint — the incident that absorbed it. For readers only: the
   * analysis itself works on real ids.
   */
  getOrAbsorber(id: IncidentId): Promise<IncidentRecord | undefined>;
  /** Keeps the trust decision (first one wins) with an audit row. */
  recordTriage(id: IncidentId, triage: Triage): Promise<void>;
  list(filter: ListFilter<IncidentStatus>): Promise<IncidentRecord[]>;
  /**
   * Records an acknowledgement (the first one stands) with an audit row.
   * `acknowledged` is false when the incident was already acknowledged or resolved.
   */
  acknowledge(id: IncidentId, by: string, at: Date): Promise<{ incident: IncidentRecord; acknowledged: boolean } | undefined>;
  /**
   * Open incidents whose next escalation step is due: unacknowledged with no
   * approval past (level + 1) response SLAs, or any past (level + 1)
   * resolution SLAs; below the priority's ceiling.
   */
  dueForEscalation(now: Date, sla: SlaPolicy, ceiling: Readonly<Record<Priority, number>>, limit: number): Promise<EscalationCandidate[]>;
  /** Raises the incident's level (never lowers it), appending the steps with one audit row each; false when another sweep got there first. */
  escalate(id: IncidentId, level: number, steps: readonly EscalationStep[]): Promise<boolean>;
  /** Appends an approval's escalation steps to its incident (the approval's own level is the approval store's). */
  appendEscalationSteps(id: IncidentId, steps: readonly EscalationStep[]): Promise<void>;
}
