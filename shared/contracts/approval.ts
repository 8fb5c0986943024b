import * as z from "zod/v4";

/** Approver ids appear in links and audit rows, so they are kept to a URL-safe alphabet. */
export const ApproverId = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "must be 1–64 of A–Z a–z 0–9 _ . @ -");
export type ApproverId = z.infer<typeof ApproverId>;

/** A Telegram id (user or chat): digits, negative for groups; given as a JSON number or string. */
const TelegramId = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .pipe(z.string().regex(/^-?\d{1,20}$/, "must be a Telegram id (digits)"));

/**
 * One person who may sign approvals, and where to reach them. `telegram_user_id`
 * and `slack_user_id` are who presses a button (platform-verified identity);
 * `telegram_chat_id` (their DM with the bot) and `email` are private places
 * for their own signed link. `level` is seed 001 §6's L0–L4.
 */
export const Approver = z.object({
  id: ApproverId,
  telegram_user_id: TelegramId.optional(),
  telegram_chat_id: TelegramId.optional(),
  slack_user_id: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,20}$/, "must be a Slack user id such as U024BE7LH")
    .optional(),
  /** Legacy: a mention such as `@carol` shown next to Slack notices. */
  slack: z.string().max(200).optional(),
  email: z.email().optional(),
  level: z.number().int().min(0).max(4).default(0),
});
export type Approver = z.infer<typeof Approver>;

/** `APPROVERS` env: a JSON array of approvers with distinct ids. */
export const ApproverRoster = z
  .array(Approver)
  .min(1)
  .refine((list) => new Set(list.map((a) => a.id)).size === list.length, "approver ids must be distinct")
  .refine(
    (list) => new Set(list.flatMap((a) => (a.telegram_user_id ? [a.telegram_user_id] : []))).size === list.filter((a) => a.telegram_user_id).length,
    "telegram_user_id must be distinct: one Telegram account is one approver",
  )
  .refine(
    (list) => new Set(list.flatMap((a) => (a.slack_user_id ? [a.slack_user_id] : []))).size === list.filter((a) => a.slack_user_id).length,
    "slack_user_id must be distinct: one Slack account is one approver",
  );
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
