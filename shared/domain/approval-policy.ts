import type { Priority } from "../contracts/alert.ts";

/** How long approvals stay open (seed 001 §6). Who must sign is the trust engine's business (trust-engine.ts). */
export interface ApprovalPolicy {
  /** How long an approval stays open, per priority, in seconds. Default: P0 30 min, others 24 h. */
  readonly expirySeconds: Readonly<Record<Priority, number>>;
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  expirySeconds: { P0: 30 * 60, P1: 24 * 3600, P2: 24 * 3600, P3: 24 * 3600 },
};

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
