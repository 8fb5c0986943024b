import type { Priority } from "../contracts/alert.ts";
import type { Rca, RiskLevel } from "../contracts/rca.ts";

/** Tunables of the approval decision. Defaults follow seed 001 §5–§6. */
export interface ApprovalPolicy {
  /** Signatures needed per risk level once a human must decide. Default: medium 1, high 2, critical 2. */
  readonly signatures: Readonly<Record<Exclude<RiskLevel, "low">, number>>;
  /** How long an approval stays open, per priority, in seconds. Default: P0 30 min, others 24 h. */
  readonly expirySeconds: Readonly<Record<Priority, number>>;
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  signatures: { medium: 1, high: 2, critical: 2 },
  expirySeconds: { P0: 30 * 60, P1: 24 * 3600, P2: 24 * 3600, P3: 24 * 3600 },
};

export type ApprovalDecision =
  | { readonly kind: "auto_approve"; readonly riskLevel: RiskLevel; readonly requiredSignatures: 0; readonly reasons: readonly string[] }
  | { readonly kind: "require_approval"; readonly riskLevel: RiskLevel; readonly requiredSignatures: number; readonly reasons: readonly string[] };

/**
 * Decides whether a verdict may go through on its own or needs signatures.
 * Only low-risk verdicts from a model, touching no more than read-only data, are
 * auto-approved; writes raise the risk to at least high. Every decision records why.
 */
export function decideApproval(rca: Rca, policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY): ApprovalDecision {
  const reasons: string[] = [];
  let risk = rca.risk_level;
  if ((rca.blast_radius.data_impact === "write" || rca.blast_radius.data_impact === "destructive") && (risk === "low" || risk === "medium")) {
    reasons.push(`data impact "${rca.blast_radius.data_impact}" raises risk from ${risk} to high`);
    risk = "high";
  }
  if (risk === "low") {
    if (rca.provider === "rules") {
      reasons.push("verdict comes from rules only; a human must confirm");
      return { kind: "require_approval", riskLevel: "medium", requiredSignatures: policy.signatures.medium, reasons };
    }
    reasons.push("risk is low and data impact is at most read-only");
    return { kind: "auto_approve", riskLevel: risk, requiredSignatures: 0, reasons };
  }
  const required = policy.signatures[risk];
  reasons.push(`risk ${risk} requires ${required} signature${required === 1 ? "" : "s"}`);
  return { kind: "require_approval", riskLevel: risk, requiredSignatures: required, reasons };
}

/** When an approval opened at `openedAt` (unix seconds) stops accepting decisions. */
export function approvalExpiry(priority: Priority, openedAt: number, policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY): number {
  return openedAt + policy.expirySeconds[priority];
}

/**
 * Status after a set of signatures: any reject is a veto; enough distinct
 * approvals approve; otherwise still pending.
 */
export function tallySignatures(
  signatures: ReadonlyArray<{ readonly decision: "approve" | "reject" }>,
  requiredSignatures: number,
): "PENDING" | "APPROVED" | "REJECTED" {
  if (signatures.some((s) => s.decision === "reject")) return "REJECTED";
  const approvals = signatures.filter((s) => s.decision === "approve").length;
  return approvals >= requiredSignatures ? "APPROVED" : "PENDING";
}
