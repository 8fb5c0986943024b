import { z } from "zod";

/** Approver ids appear in links and audit rows, so they are kept to a URL-safe alphabet. */
export const ApproverId = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "must be 1–64 of A–Z a–z 0–9 _ . @ -");
export type ApproverId = z.infer<typeof ApproverId>;

/** One person who may sign approvals, and where to reach them (notify fills in channels). */
export const Approver = z.object({
  id: ApproverId,
  telegram_chat_id: z.string().max(64).optional(),
  slack: z.string().max(200).optional(),
});
export type Approver = z.infer<typeof Approver>;

/** `APPROVERS` env: a JSON array of approvers with distinct ids. */
export const ApproverRoster = z
  .array(Approver)
  .min(1)
  .refine((list) => new Set(list.map((a) => a.id)).size === list.length, "approver ids must be distinct");
export type ApproverRoster = z.infer<typeof ApproverRoster>;

export const ApprovalStatus = z.enum(["PENDING", "APPROVED", "REJECTED", "EXPIRED", "OBSOLETE", "EXECUTED", "FAILED"]);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const Decision = z.enum(["approve", "reject"]);
export type Decision = z.infer<typeof Decision>;

/** The trust engine's decision for an incident, kept on the incident for ops and the autonomy index. */
export const Triage = z.object({
  decision: z.enum(["auto_approve", "require_approval", "notify_only"]),
  risk_level: z.enum(["low", "medium", "high", "critical"]),
  required_signatures: z.number().int().min(0).max(10),
  reasons: z.array(z.string()),
  decided_at: z.iso.datetime({ offset: true }),
});
export type Triage = z.infer<typeof Triage>;
