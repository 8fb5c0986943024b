import * as z from "zod/v4";
import { describeRoute, jsonAnswer, refusals } from "../../../shared/http/route-docs.ts";

export type InboxAnswer = z.infer<typeof InboxAnswer>;
export const InboxAnswer = z.strictObject({
  messages: z.array(
    z.strictObject({
      incident_id: z.string(),
      approval_id: z.string().nullable(),
      kind: z.string(),
      text: z.string(),
      links: z.array(z.strictObject({ approver: z.string(), url: z.string() })),
      at: z.string(),
    }),
  ),
});

/** Local dev only: what notify would have sent, newest first. Absent unless DEV_INBOX is on. */
export const DEV_INBOX_ROUTE = describeRoute({
  method: "get",
  path: "/dev/inbox",
  summary: "Local dev only (DEV_INBOX=on): what notify would have sent, newest first",
  tags: ["operations"],
  request: { query: z.object({ limit: z.string().optional().describe("1–500 (default 50)") }) },
  responses: { 200: jsonAnswer("messages", InboxAnswer), ...refusals(404) },
});

export const NOTIFY_ROUTES = [DEV_INBOX_ROUTE];
