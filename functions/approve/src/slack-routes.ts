import type { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "zod/v4";
import { ChatAnswer } from "../../../shared/contracts/ops-api.ts";
import { parseChatAck } from "../../../shared/domain/chat-decision.ts";
import { renderSlack } from "../../../shared/domain/notify/slack.ts";
import { BODY_LIMITS, boundedBody } from "../../../shared/http/body-limit.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, formBody, jsonAnswer, refusals, SECURITY, serveDescribed } from "../../../shared/http/route-docs.ts";
import { verifyHexHmacSha256 } from "../../../shared/http/signatures.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import { acknowledgeFromChat } from "./acknowledgements.ts";
import { approvalMessageNow, decideFromChat } from "./decisions.ts";
import type { ApproveEnv, ApproveServices } from "./services.ts";

/** Slack's replay window (PROTOCOLS §16). */
const MAX_SKEW_SECONDS = 300;

/** The parts of a `block_actions` payload a button click needs. */
const BlockActions = z.looseObject({
  type: z.literal("block_actions"),
  user: z.looseObject({ id: z.string().min(1).max(40) }),
  container: z.looseObject({ channel_id: z.string().max(40).optional(), message_ts: z.string().max(40).optional() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string().max(255), value: z.string().max(2_000).optional() })).min(1),
});

/** `v0=` + hex HMAC-SHA-256 over `v0:<timestamp>:<raw body>`, within 5 minutes (WebCrypto's verify compares in constant time). */
async function verifySlack(
  secret: string,
  rawBody: string,
  timestamp: string | undefined,
  signature: string | undefined,
  nowSeconds: number,
): Promise<boolean> {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) return false;
  if (!signature.startsWith("v0=")) return false;
  return verifyHexHmacSha256(secret, new Uint8Array(new TextEncoder().encode(`v0:${timestamp}:${rawBody}`)), signature.slice(3));
}

/**
 * `POST /api/v1/slack/interactions`: a Slack app's Request URL. A click on
 * Approve/Reject is a signature by the Slack user who clicked (`user.id`,
 * mapped through the roster's `slack_user_id`), on a request Slack signed.
 */
export const SLACK_INTERACTIONS_ROUTE = describeRoute({
  method: "post",
  path: "/api/v1/slack/interactions",
  summary: "Slack block actions: Approve/Reject/Acknowledge clicks (v0-signed with SLACK_SIGNING_SECRET)",
  tags: ["chatops"],
  security: SECURITY.slack,
  request: { body: formBody(z.object({ payload: z.string().describe("the interaction, JSON (a block_actions payload is acted on)") })) },
  responses: { 200: jsonAnswer("handled (or acknowledged and left alone)", ChatAnswer), ...refusals(400, 401, 404, 413) },
});

export function mountSlackRoutes(app: OpenAPIHono<ApproveEnv>): void {
  serveDescribed(app, SLACK_INTERACTIONS_ROUTE, boundedBody(BODY_LIMITS.chatUpdate, "Slack interaction"), async (c) => {
    const services = c.get("services");
    const slack = services.slack;
    if (!slack) throw new AppError("not_found", "Slack interactions are not configured (SLACK_SIGNING_SECRET is unset)");
    const raw = await c.req.text();
    const authentic = await verifySlack(
      slack.signingSecret,
      raw,
      c.req.header("X-Slack-Request-Timestamp"),
      c.req.header("X-Slack-Signature"),
      Math.floor(services.now().getTime() / 1000),
    );
    if (!authentic) throw new AppError("unauthorized", "missing, stale or invalid X-Slack-Signature");
    let json: unknown;
    try {
      json = JSON.parse(new URLSearchParams(raw).get("payload") ?? "");
    } catch {
      throw new AppError("invalid_request", "no JSON payload field", { fields: [{ field: "payload", message: "must be the interaction JSON" }] });
    }
    const payload = BlockActions.safeParse(json);
    // Other interaction kinds (shortcuts, view submissions) are acknowledged and left alone.
    if (!payload.success) return c.json({ ok: true, handled: false });
    const action = payload.data.actions[0]!;
    const approver = services.approvers.find((a) => a.slack_user_id === payload.data.user.id);
    if (!approver) services.log("chat_press_refused", { via: "Slack", reason: "not on the roster", slack_user_id: payload.data.user.id });
    const ackOf = parseChatAck(action.value ?? "");
    if (ackOf) {
      const ack = await acknowledgeFromChat(services, approver, ackOf);
      return c.json({ ok: true, handled: true, outcome: ack.outcome, text: ack.text });
    }
    const answer = await decideFromChat(services, approver, action.value ?? "", "Slack");
    const { channel_id: channel, message_ts: ts } = payload.data.container ?? {};
    if (answer.approval && channel && ts && slack.update) await refreshSlackMessage(channel, ts, answer.approval, services);
    // Slack shows nothing of this body for block actions; it is for logs and tests.
    return c.json({ ok: true, handled: true, outcome: answer.outcome, text: answer.text });
  });
}

/** Re-renders the clicked message with the approval's state; buttons stay only while it is pending. */
async function refreshSlackMessage(channel: string, ts: string, approval: ApprovalRecord, services: ApproveServices): Promise<void> {
  const now = await approvalMessageNow(approval, services);
  if (!now || !services.slack?.update) return;
  const outcome = await services.slack.update(channel, ts, renderSlack(now.view, [], [], now.buttons));
  if (outcome.kind !== "sent") services.log("slack_update_failed", { approval_id: approval.id, reason: outcome.reason });
}
