import type { ApprovalAction, ApprovalAlternative } from "../contracts/action.ts";
import type { IncidentId, Priority } from "../contracts/alert.ts";
import type { ApprovalStatus, Decision } from "../contracts/approval.ts";
import type { RiskLevel } from "../contracts/rca.ts";

export interface SignatureRecord {
  readonly approver: string;
  readonly decision: Decision;
  readonly comment: string | undefined;
  readonly signedAt: Date;
  /** The action digest the approver saw and signed (absent for untyped actions). */
  readonly actionDigest: string | undefined;
}

export interface ApprovalRecord {
  readonly id: string;
  readonly incidentId: IncidentId;
  readonly status: ApprovalStatus;
  readonly riskLevel: RiskLevel;
  readonly requiredSignatures: number;
  readonly autoApproved: boolean;
  readonly reasons: readonly string[];
  readonly action: ApprovalAction;
  /** Another action approvers may choose instead (by its digest) while nobody has approved this one. */
  readonly alternative: ApprovalAlternative | undefined;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly decidedAt: Date | undefined;
  /** SLA escalation level reached while pending (0 = nobody beyond the first approvers). */
  readonly escalationLevel: number;
  readonly signatures: readonly SignatureRecord[];
  /** The hand-off written when the action was approved. */
  readonly executionId: string | undefined;
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
  readonly action: ApprovalAction;
  /** The playbook's action when the verdict disagrees with it (typed, with a digest). */
  readonly alternative?: ApprovalAlternative | undefined;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly correlationId: string;
  /** Whether an execution written for it (automatic approval) is a dry run. */
  readonly dryRun: boolean;
}

/** Filters of the ops list endpoints; results are newest first, keyset-paginated. */
export interface ListFilter<Status extends string> {
  readonly status?: Status | undefined;
  readonly priority?: Priority | undefined;
  readonly since?: Date | undefined;
  readonly limit: number;
  /** Continue after this (created, id) position. */
  readonly after?: { readonly at: Date; readonly id: string } | undefined;
}

export interface PendingApproval {
  readonly approval: ApprovalRecord;
  readonly priority: Priority;
}

export type DecisionOutcome =
  | { readonly kind: "recorded"; readonly approval: ApprovalRecord; readonly statusChanged: boolean }
  /** The same approver already signed: nothing changes, the current state is shown. */
  | { readonly kind: "repeat"; readonly approval: ApprovalRecord }
  /** The approval is no longer pending (decided, expired, obsolete). */
  | { readonly kind: "closed"; readonly approval: ApprovalRecord }
  /** The signer saw another action than the approval holds: nothing is recorded. */
  | { readonly kind: "digest_mismatch"; readonly approval: ApprovalRecord }
  /** The signer chose the alternative after someone approved the approval's action: nothing is recorded. */
  | { readonly kind: "alternative_closed"; readonly approval: ApprovalRecord }
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
  /** A pending approval whose incident resolved can no longer be decided; returns it when it changed. */
  markObsolete(incidentId: IncidentId, at: Date, reason: string): Promise<ApprovalRecord | undefined>;
  /** The approval's audit rows, oldest first. */
  auditTrail(approvalId: string): Promise<AuditEntry[]>;
  /**
   * Stores one approver's decision, the audit row and any status change in one
   * transaction, serialised per approval so concurrent signers cannot both miss
   * the threshold or both cross it. Approval writes the execution (outbox) row.
   */
  recordDecision(input: {
    approvalId: string;
    approver: string;
    decision: Decision;
    comment: string | undefined;
    /**
     * The digest of the action the signer was shown; must equal the approval's
     * when it has one — or, for an approval, the alternative's: choosing it
     * makes it the approval's action while no one has approved the other.
     */
    actionDigest: string | undefined;
    /** Whether the execution written by a deciding approval is a dry run. */
    dryRun: boolean;
    at: Date;
  }): Promise<DecisionOutcome>;
  /** PENDING approvals past their expiry become EXPIRED (with audit rows); returns those this call changed. */
  expireDue(now: Date, limit: number): Promise<ApprovalRecord[]>;
  /**
   * PENDING, unexpired approvals below their priority's ceiling whose next escalation is
   * due at `now` (created + (level + 1) × response SLA of their priority),
   * oldest first, with their incident's priority.
   */
  dueForEscalation(
    now: Date,
    responseSeconds: Readonly<Record<Priority, number>>,
    ceiling: Readonly<Record<Priority, number>>,
    limit: number,
  ): Promise<PendingApproval[]>;
  /** Raises a pending approval's escalation level; false when it is no longer pending or already that high. */
  escalate(approvalId: string, level: number, at: Date, details: Record<string, unknown>): Promise<boolean>;
  list(filter: ListFilter<ApprovalStatus>): Promise<Array<ApprovalRecord & { readonly priority: Priority }>>;
}
