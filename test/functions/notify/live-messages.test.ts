import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import type { ApprovalChangedV1, IncidentAcknowledgedV1, IncidentAdmittedV1, IncidentEscalatedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { FAKE_SLACK_BOT_TOKEN } from "../../support/fakes/chat-credentials.ts";
import { normalizedAlert, recordingQueue } from "../../support/fixtures/messages.ts";
import { testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { withChatFakes } from "./support.ts";

const FAKE = testEnv.TEST_CHAT_SERVICES_URL!;
const TEAM_CHAT = "-1001";

interface Recorded {
  path: string;
  body: any;
  status: number;
  answer?: any;
}

/** Telegram and a Slack app against the fakes; alice and bob sign at level 1 (bob in Slack), carol is level 2 with a Telegram DM. */
function chatEnv() {
  const env = withChatFakes({
    TELEGRAM_CHAT_ID: TEAM_CHAT,
    TELEGRAM_WEBHOOK_SECRET: "tg-webhook-secret-0123456789",
    SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN,
    SLACK_API_BASE: `${FAKE}/slack-api`,
    SLACK_CHANNEL_ID: "C0ALERTS",
    APPROVERS: JSON.stringify([
      { id: "alice", telegram_user_id: "1001", level: 1 },
      { id: "bob", slack_user_id: "U0BOB", level: 1 },
      { id: "carol", telegram_chat_id: "7003", level: 2 },
    ]),
    DEAD_LETTER_QUEUE: recordingQueue(),
  });
  return (bodies: unknown[]) => deliver(worker, env as unknown as Env, "awoooi-notify", bodies);
}

async function calls(channel: "telegram" | "slack", incidentId: string): Promise<Recorded[]> {
  return (await fetch(`${FAKE}/_requests?channel=${channel}&contains=${encodeURIComponent(incidentId)}`)).json();
}

function incident(priority: "P0" | "P1" = "P0") {
  const incidentId = crypto.randomUUID();
  const approvalId = crypto.randomUUID();
  const alert = normalizedAlert({ priority, severity: "critical", message: `api down ${incidentId}` });
  const at = new Date().toISOString();
  const approval = (status: "PENDING" | "APPROVED", signatures: Array<{ approver: string; decision: "approve" | "reject" }>) =>
    ({
      kind: "approval_requested",
      incident_id: incidentId,
      approval_id: approvalId,
      fingerprint: "f".repeat(16),
      alert,
      rca: rulesVerdict(alert),
      required_signatures: 2,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      reasons: [],
      signatures,
      approval_status: status,
    }) satisfies NotifyRequestedV2["payload"];
  return {
    incidentId,
    approvalId,
    admitted: {
      type: "incident.admitted",
      version: 1,
      id: `incident-admitted:${incidentId}`,
      occurredAt: at,
      correlationId: "corr",
      payload: { incident_id: incidentId, fingerprint: "f".repeat(16), alert },
    } satisfies IncidentAdmittedV1,
    requested: {
      type: "notify.requested",
      version: 2,
      id: `notify:${approvalId}:approval_requested`,
      occurredAt: at,
      correlationId: "corr",
      payload: approval("PENDING", []),
    } satisfies NotifyRequestedV2,
    changed: (change: "signed" | "approved", signatures: Array<{ approver: string; decision: "approve" | "reject" }>): ApprovalChangedV1 => ({
      type: "approval.changed",
      version: 1,
      id: `approval-changed:${approvalId}:${signatures.length}:${change}`,
      occurredAt: at,
      correlationId: "corr",
      payload: { change, approver: signatures.at(-1)!.approver, notification: approval(change === "signed" ? "PENDING" : "APPROVED", signatures) },
    }),
    escalated: (level: number): IncidentEscalatedV1 => ({
      type: "incident.escalated",
      version: 1,
      id: `incident-escalated:${incidentId}:L${level}`,
      occurredAt: at,
      correlationId: "corr",
      payload: {
        incident_id: incidentId,
        fingerprint: "f".repeat(16),
        alert,
        rca: null,
        reason: "unacknowledged",
        level,
        role: "L1 expert",
        overdue_seconds: 60,
      },
    }),
  };
}

const sends = (r: Recorded[]) => r.filter((c) => c.path.endsWith("/sendMessage"));
const edits = (r: Recorded[]) => r.filter((c) => c.path.endsWith("/editMessageText"));

describe("live messages: one message per chat and incident, edited as it moves", () => {
  it("turns the P0 admission message into the approval request in place (Telegram and Slack), with the ids the platforms gave", async () => {
    const run = chatEnv();
    const i = incident();
    await run([i.admitted]);
    const [announcement] = sends(await calls("telegram", i.incidentId));
    expect(announcement?.body.chat_id).toBe(TEAM_CHAT);
    expect(announcement?.body.text).toContain("analysis pending");
    const slackPost = (await calls("slack", i.incidentId)).find((c) => c.path.endsWith("chat.postMessage"))!;

    await run([i.requested]);
    const telegram = await calls("telegram", i.incidentId);
    // The team chat's message is edited, not repeated; carol is not at the first level, alice has no DM: nobody else gets a message.
    expect(sends(telegram).map((c) => c.body.chat_id)).toEqual([TEAM_CHAT]);
    const [edit] = edits(telegram);
    expect(edit?.status).toBe(200);
    expect(edit?.body).toMatchObject({ chat_id: TEAM_CHAT, message_id: announcement!.answer.result.message_id });
    expect(edit?.body.text).toContain("Needs 2 approvals");
    expect(edit?.body.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toEqual([
      `d1:${i.approvalId}:a:-`,
      `d1:${i.approvalId}:r:-`,
    ]);
    const slack = await calls("slack", i.incidentId);
    const update = slack.find((c) => c.path.endsWith("chat.update"))!;
    expect(update.body).toMatchObject({ channel: "C0ALERTS", ts: slackPost.answer.ts });
    expect(slack.filter((c) => c.path.endsWith("chat.postMessage") && c.body.channel === "C0ALERTS")).toHaveLength(1);
  });

  it("sends each approver's link only to their own Slack DM, opened through the bot", async () => {
    const run = chatEnv();
    const i = incident();
    await run([i.requested]);
    const slack = await calls("slack", i.incidentId);
    const dm = slack.find((c) => c.path.endsWith("chat.postMessage") && c.body.channel === "D0BOB")!;
    expect(JSON.stringify(dm.body)).toContain("approver=bob");
    expect(JSON.stringify(dm.body)).not.toContain("approver=alice");
    const channel = slack.find((c) => c.path.endsWith("chat.postMessage") && c.body.channel === "C0ALERTS")!;
    expect(JSON.stringify(channel.body)).not.toContain("sig=");
    const opened: Recorded[] = await (await fetch(`${FAKE}/_requests?channel=slack&contains=U0BOB`)).json();
    expect(opened.some((c) => c.path.endsWith("conversations.open"))).toBe(true);
  });

  it("edits every message on a signature (bob's DM keeps his link) and on the decision, which is also announced briefly", async () => {
    const run = chatEnv();
    const i = incident();
    await run([i.requested]);
    await run([i.changed("signed", [{ approver: "alice", decision: "approve" }])]);
    const afterSign = edits(await calls("telegram", i.incidentId));
    expect(afterSign).toHaveLength(1);
    expect(afterSign[0]?.body.text).toContain("alice ✓");
    const bobUpdate = (await calls("slack", i.incidentId)).find((c) => c.path.endsWith("chat.update") && c.body.channel === "D0BOB")!;
    expect(JSON.stringify(bobUpdate.body)).toContain("approver=bob");
    expect(sends(await calls("telegram", i.incidentId))).toHaveLength(1);

    const decided = i.changed("approved", [
      { approver: "alice", decision: "approve" },
      { approver: "bob", decision: "approve" },
    ]);
    await run([decided]);
    await run([decided]); // a redelivery changes nothing more
    const telegram = await calls("telegram", i.incidentId);
    const last = edits(telegram).at(-1)!;
    expect(last.body.text).toContain("APPROVED: the action goes to the executor");
    expect(last.body.reply_markup).toBeUndefined();
    const notices = sends(telegram).slice(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body.text).toContain("APPROVED");
    const bobFinal = (await calls("slack", i.incidentId)).filter((c) => c.path.endsWith("chat.update") && c.body.channel === "D0BOB").at(-1)!;
    expect(JSON.stringify(bobFinal.body)).not.toContain("sig=");
  });

  it("shows who acknowledged an incident by editing its messages, without the Acknowledge button", async () => {
    const run = chatEnv();
    const i = incident();
    await run([i.admitted]);
    const [announcement] = sends(await calls("telegram", i.incidentId));
    await run([
      {
        type: "incident.acknowledged",
        version: 1,
        id: `incident-acknowledged:${i.incidentId}`,
        occurredAt: new Date().toISOString(),
        correlationId: "corr",
        payload: {
          incident_id: i.incidentId,
          fingerprint: "f".repeat(16),
          alert: i.admitted.payload.alert,
          rca: null,
          by: "alice",
          at: new Date().toISOString(),
        },
      } satisfies IncidentAcknowledgedV1,
    ]);
    const telegram = await calls("telegram", i.incidentId);
    expect(sends(telegram)).toHaveLength(1);
    const [edit] = edits(telegram);
    expect(edit?.body).toMatchObject({ chat_id: TEAM_CHAT, message_id: announcement!.answer.result.message_id });
    expect(edit?.body.text).toContain("Acknowledged by alice");
    expect(edit?.body.reply_markup).toBeUndefined();
  });

  it("escalates an unacknowledged incident as new messages with an Acknowledge button, reaching the next level's own chats", async () => {
    const run = chatEnv();
    const i = incident();
    await run([i.escalated(1)]);
    const telegram = sends(await calls("telegram", i.incidentId));
    const team = telegram.find((c) => c.body.chat_id === TEAM_CHAT)!;
    expect(team.body.text).toContain("ESCALATED to L1 expert");
    expect(team.body.reply_markup.inline_keyboard.flat()).toEqual([{ text: "👀 Acknowledge", callback_data: `k1:${i.incidentId}` }]);
    // The first step goes past the lowest level present (alice, bob) to the next one: carol, in her own chat, with nothing to sign.
    const carol = telegram.find((c) => c.body.chat_id === "7003")!;
    expect(carol.body.text).toContain("ESCALATED");
    expect(JSON.stringify(carol.body)).not.toContain("sig=");
    expect((await calls("slack", i.incidentId)).some((c) => c.body.channel === "D0BOB")).toBe(false);
  });
});
