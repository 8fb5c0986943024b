import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { ChatAnswer } from "../../../shared/contracts/ops-api.ts";
import { encodeChatAck, encodeChatDecision } from "../../../shared/domain/chat-decision.ts";
import { hexHmacSha256 } from "../../../shared/http/signatures.ts";
import { FAKE_SLACK_BOT_TOKEN, FAKE_SLACK_SIGNING_SECRET } from "../../support/fakes/chat-credentials.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { recordingEnv, request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const store = () => createApprovalStore(db);
const FAKE = testEnv.TEST_CHAT_SERVICES_URL!;

function slackEnv(vars: Record<string, string> = {}) {
  return recordingEnv({
    SLACK_SIGNING_SECRET: FAKE_SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN,
    SLACK_API_BASE: `${FAKE}/slack-api`,
    APPROVERS: JSON.stringify([
      { id: "alice", slack_user_id: "U0ALICE", level: 1 },
      { id: "bob", slack_user_id: "U0BOB", level: 1 },
    ]),
    ...vars,
  });
}

/** A `block_actions` click as Slack sends it: a form with one `payload` field, signed v0 (PROTOCOLS §16). */
async function click(userId: string, value: string, env: Record<string, unknown>, options: { secret?: string; timestamp?: number; ts?: string } = {}) {
  const payload = {
    type: "block_actions",
    user: { id: userId, username: "x", team_id: "T0" },
    container: { type: "message", message_ts: options.ts ?? "1700000000.000001", channel_id: "C0ALERTS", is_ephemeral: false },
    actions: [{ type: "button", action_id: value.includes(":a:") ? "approve" : "reject", block_id: "b", value, action_ts: "1700000050.000100" }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${await hexHmacSha256(options.secret ?? FAKE_SLACK_SIGNING_SECRET, new Uint8Array(new TextEncoder().encode(`v0:${timestamp}:${body}`)))}`;
  return request(
    "https://awoooi.test/api/v1/slack/interactions",
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature },
      body,
    },
    env,
  );
}

describe("Slack interactions", () => {
  it("records a correctly signed click as alice's signature and updates the message", async () => {
    const { env } = slackEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const response = await click("U0ALICE", encodeChatDecision(approval.id, "approve", approval.action.digest), env, { ts: "1700000001.000777" });
    expect(response.status).toBe(200);
    expect(ChatAnswer.parse(await response.json())).toMatchObject({ outcome: "recorded" });
    expect((await store().get(approval.id))?.signatures).toEqual([expect.objectContaining({ approver: "alice", decision: "approve" })]);
    const url = new URL("/_requests", FAKE);
    url.searchParams.set("channel", "slack");
    url.searchParams.set("contains", "1700000001.000777");
    const updates = (await (await fetch(url)).json()) as Array<{ path: string; body: any }>;
    expect(updates.map((u) => u.path)).toEqual(["/slack-api/chat.update"]);
    expect(updates[0]?.body.blocks.find((b: { type: string }) => b.type === "actions")).toBeDefined();
  });

  it("takes a click on Acknowledge as the clicker's acknowledgement of the incident", async () => {
    const { env } = slackEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const response = await click("U0BOB", encodeChatAck(approval.incidentId), env);
    expect(await response.json()).toMatchObject({ outcome: "acknowledged" });
    expect((await createIncidentStore(db).get(approval.incidentId))?.acknowledged?.by).toBe("bob");
    expect((await store().get(approval.id))?.signatures).toEqual([]);
  });

  it.each([
    ["a signature made with another secret", { secret: "not-the-signing-secret-0000" }],
    ["a timestamp older than 5 minutes", { timestamp: Math.floor(Date.now() / 1000) - 301 }],
  ])("refuses %s and records nothing", async (_case, options) => {
    const { env } = slackEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const response = await click("U0ALICE", encodeChatDecision(approval.id, "approve", approval.action.digest), env, options);
    expect(response.status).toBe(401);
    expect((await store().get(approval.id))?.signatures).toEqual([]);
  });

  it("changes nothing for a Slack user who is not on the roster", async () => {
    const { env } = slackEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const response = await click("U0MALLORY", encodeChatDecision(approval.id, "approve", approval.action.digest), env);
    expect(await response.json()).toMatchObject({ outcome: "refused", text: expect.stringContaining("not on the approver roster") });
    expect((await store().get(approval.id))?.signatures).toEqual([]);
  });

  it("answers 404 when Slack interactions are not configured", async () => {
    const { env } = recordingEnv();
    expect((await click("U0ALICE", "x", env)).status).toBe(404);
  });
});
