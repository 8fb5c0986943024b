import * as z from "zod/v4";
import { ApproverRoster } from "../contracts/approval.ts";
import { DEFAULT_TRUST_POLICY } from "../domain/trust-engine.ts";

/** The most signatures any risk level needs: a smaller roster could never approve it. */
const MOST_SIGNATURES = Math.max(...Object.values(DEFAULT_TRUST_POLICY.signatures));

/**
 * `APPROVERS`: a JSON array such as
 * `[{"id":"alice","telegram_user_id":1001,"telegram_chat_id":1001,"slack_user_id":"U0ALICE","level":1},{"id":"bob"}]`.
 * A roster too small for the signatures a risk level needs is refused at start.
 */
export const ApproversEnv = z.string().transform((text, ctx) => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON array of approvers" });
    return z.NEVER;
  }
  const roster = ApproverRoster.safeParse(value);
  if (!roster.success) {
    for (const issue of roster.error.issues) ctx.addIssue({ code: "custom", message: `${issue.path.join(".") || "(list)"}: ${issue.message}` });
    return z.NEVER;
  }
  if (roster.data.length < MOST_SIGNATURES) {
    const levels = Object.entries(DEFAULT_TRUST_POLICY.signatures)
      .filter(([, n]) => n > roster.data.length)
      .map(([risk]) => risk);
    ctx.addIssue({
      code: "custom",
      message: `${roster.data.length} approver(s) can never give the ${MOST_SIGNATURES} signatures ${levels.join(" and ")} risk need: add approvers`,
    });
    return z.NEVER;
  }
  return roster.data;
});

/** HMAC keys for approval links: the current one signs, both verify during rotation. */
export const LinkKeysEnv = z.object({
  LINK_SIGNING_KEY: z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)"),
  LINK_SIGNING_KEY_PREVIOUS: z.string().min(32).optional(),
});
