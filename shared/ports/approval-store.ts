import type { IncidentId } from "../contracts/alert.ts";
import type { ApprovalStatus, Decision } from "../contracts/approval.ts";
import type { RiskLevel, SuggestedAction } from "../contracts/rca.ts";

export interface SignatureRecord {
  readonly approver: string;
  readonly decision: Decision;
  readonly comment: string | undefined;
  readonly signedAt: Date;
}

export interface ApprovalRecord {
  readonly id: string;
  readonly incidentId: IncidentId;
  readonly status: ApprovalStatus;
  readonly riskLevel: RiskLevel;
  readonly requiredSignatures: number;
  readonly autoApproved: boolean;
  readonly reasons: readonly string[];
  readonly action: SuggestedAction;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly decidedAt: Date | undefined;
  readonly signatures: readonly SignatureRecord[];
}

export interface NewApproval {
  readonly id: string;
  readonly incidentId: IncidentId;
  readonly riskLevel: RiskLevel;
  readonly requiredSignatures: number;
  readonly autoApproved: boolean;
  /** OBSOLETE when the incident resolved before anyone could decide. */
  readonly initialStatus: "PENDING" | "APPROVED" | "OBSOLETE";
  readonly reasons: readonly string[];
  readonly action: SuggestedAction;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly correlationId: string;
}

export type DecisionOutcome =
  | { readonly kind: "recorded"; readonly approval: ApprovalRecord; readonly statusChanged: boolean }
  /** The same approver already signed: nothing changes, the current state is shown. */
  | { readonly kind: "repeat"; readonly approval: ApprovalRecord }
  /** The approval is no longer pending (decided, expired, obsolete). */
  | { readonly kind: "closed"; readonly approval: ApprovalRecord }
  | { readonly kind: "not_found" };

export interface AuditEntry {
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Approvals, their signatures and the audit log, in Postgres. */
export interface ApprovalStore {
  /** One approval per incident: a second call returns the first approval with `created: false`. */
  createForIncident(input: NewApproval): Promise<{ approval: ApprovalRecord; created: boolean }>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  getByIncident(incidentId: IncidentId): Promise<ApprovalRecord | undefined>;
  /**
   * Stores one approver's decision, the audit row and any status change in one
   * transaction, serialised per approval so concurrent signers cannot both miss
   * the threshold or both cross it.
   */
  /** A pending approval whose incident resolved can no longer be decided; returns it when it changed. */
  markObsolete(incidentId: IncidentId, at: Date, reason: string): Promise<ApprovalRecord | undefined>;
  /** The approval's audit rows, oldest first. */
  auditTrail(approvalId: string): Promise<AuditEntry[]>;
  recordDecision(input: { approvalId: string; approver: string; decision: Decision; comment: string | undefined; at: Date }): Promise<DecisionOutcome>;
}
