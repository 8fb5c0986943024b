import { z } from "zod";
import { ApproverRoster } from "../contracts/approval.ts";

/** `APPROVERS`: a JSON array such as `[{"id":"alice","telegram_chat_id":"1001"},{"id":"bob"}]`. */
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
  return roster.data;
});

/** HMAC keys for approval links: the current one signs, both verify during rotation. */
export const LinkKeysEnv = z.object({
  LINK_SIGNING_KEY: z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)"),
  LINK_SIGNING_KEY_PREVIOUS: z.string().min(32).optional(),
});
