// Issue #15's acceptance, black-box: the whole bundle under `wrangler dev`
// with Telegram, Slack and Ollama replaced by local servers speaking their
// protocols. A P0 reaches the team chat while the model hangs; people decide
// with buttons the platforms identify them by; nobody's signed link is ever in
// a shared place; the next level hears only after the response SLA.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { hexHmacSha256 } from "../../shared/http/signatures.ts";
import { FAKE_SLACK_BOT_TOKEN, FAKE_SLACK_SIGNING_SECRET, FAKE_TELEGRAM_TOKEN } from "../support/fakes/chat-credentials.ts";
import { startFakeChatServices } from "../support/fakes/fake-chat-services.ts";
import { type FakeOllama, startFakeOllama } from "../support/fakes/fake-ollama.ts";

const TEAM_CHAT = "-1005";
const CAROL_DM = "3003";
const WEBHOOK_SECRET = "tg-e2e-webhook-secret-0123456789";
const ROSTER = [
  { id: "alice", telegram_user_id: "1001", slack_user_id: "U0ALICE", level: 1 },
  { id: "bob", telegram_user_id: "1002", slack_user_id: "U0BOB", level: 1 },
  { id: "carol", telegram_chat_id: CAROL_DM, level: 2 },
];

let stack: Stack;
let chat: Awaited<ReturnType<typeof startFakeChatServices>>;
let ollama: FakeOllama;
const run = Date.now().toString(36);

beforeAll(async () => {
  chat = await startFakeChatServices();
  ollama = await startFakeOllama();
  stack = await startStack({
    port: await freePort(),
    purpose: "test",
    redisDb: 12,
    persistTo: mkdtempSync(join(tmpdir(), "awoooi-chatops-")),
    ollamaUrl: ollama.url,
    vars: {
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_BASE: chat.url,
      TELEGRAM_CHAT_ID: TEAM_CHAT,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN,
      SLACK_API_BASE: `${chat.url}/slack-api`,
      SLACK_CHANNEL_ID: "C0ALERTS",
      SLACK_SIGNING_SECRET: FAKE_SLACK_SIGNING_SECRET,
      SLA_RESPONSE: "P0=20s,P1=15m,P2=1h,P3=4h",
      APPROVERS: JSON.stringify(ROSTER),
      // The model hangs; analyze gives up on it after this and the rules decide.
      OLLAMA_TIMEOUT_SECONDS: "5",
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await ollama?.close();
  await chat?.close();
});

const ops = async (path: string) =>
  (await (await fetch(`${stack.baseUrl}${path}`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } })).json()) as any;

/** A P0 whose analysis hangs at the model: `LLMTest-hang-…` steers the fake Ollama. */
async function sendP0(name: string): Promise<{ incidentId: string; sentAt: number }> {
  const sentAt = Date.now();
  const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/alerts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      alert_type: `LLMTest-hang-PodCrashLoopBackOff-${name}-${run}`,
      severity: "critical",
      source: "e2e",
      namespace: "production",
      target_resource: `checkout-${name}-${run}`,
      message: "checkout answers 503",
    }),
  });
  expect(response.status).toBe(202);
  return { incidentId: ((await response.json()) as { results: Array<{ incident_id: string }> }).results[0]!.incident_id, sentAt };
}

const recorded = () => chat.requests;
const about = (incidentId: string) => recorded().filter((r) => JSON.stringify(r.body).includes(incidentId));
const teamSends = (incidentId: string) => about(incidentId).filter((r) => r.path.endsWith("/sendMessage") && String(r.body.chat_id) === TEAM_CHAT);

/** The approval button's callback data in the team chat's (edited) message, once the verdict is in. */
function approveButton(incidentId: string): string | undefined {
  for (const r of about(incidentId).filter((x) => String(x.body.chat_id) === TEAM_CHAT)) {
    const data = (r.body.reply_markup?.inline_keyboard ?? []).flat().find((b: { callback_data?: string }) => b.callback_data?.startsWith("d1:"));
    if (data) return data.callback_data as string;
  }
  return undefined;
}

let updateId = 1;
const press = (fromId: number, data: string, messageId: number, secret = WEBHOOK_SECRET) =>
  fetch(`${stack.baseUrl}/api/v1/telegram/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
    body: JSON.stringify({
      update_id: updateId++,
      callback_query: {
        id: `cbq-${updateId}`,
        from: { id: fromId, is_bot: false, first_name: "X" },
        message: { message_id: messageId, chat: { id: Number(TEAM_CHAT), type: "supergroup" }, date: 0, text: "…" },
        chat_instance: "1",
        data,
      },
    }),
  });

async function slackClick(userId: string, value: string, ts: string, secret = FAKE_SLACK_SIGNING_SECRET) {
  const payload = {
    type: "block_actions",
    user: { id: userId },
    container: { type: "message", channel_id: "C0ALERTS", message_ts: ts },
    actions: [{ type: "button", action_id: "approve", value }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${await hexHmacSha256(secret, new Uint8Array(new TextEncoder().encode(`v0:${timestamp}:${body}`)))}`;
  return fetch(`${stack.baseUrl}/api/v1/slack/interactions`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature },
    body,
  });
}

describe("ChatOps approvals (issue #15 acceptance)", () => {
  let first: { incidentId: string; sentAt: number };
  let second: { incidentId: string; sentAt: number };
  let teamMessageId: number;
  let decision: string;
  let approvalId: string;

  it("announces a P0 in the team chat within 10 s while the model hangs", async () => {
    first = await sendP0("one");
    second = await sendP0("two");
    await expect.poll(() => teamSends(first.incidentId).length, { timeout: 10_000, interval: 100 }).toBeGreaterThan(0);
    const [announcement] = teamSends(first.incidentId);
    expect(announcement!.body.text).toContain("analysis pending");
    teamMessageId = (announcement!.answer as { result: { message_id: number } }).result.message_id;
  });

  it("edits that message into the approval request with an Approve button, and no signed link in any shared place", async () => {
    await expect.poll(() => approveButton(first.incidentId), { timeout: 60_000, interval: 250 }).toBeDefined();
    decision = approveButton(first.incidentId)!;
    approvalId = decision.split(":")[1]!;
    const edit = about(first.incidentId).find((r) => r.path.endsWith("/editMessageText") && r.body.message_id === teamMessageId);
    expect(edit?.body.text).toContain("Needs 2 approvals");
    expect(teamSends(first.incidentId)).toHaveLength(1);
    const shared = recorded().filter((r) => String(r.body?.chat_id) === TEAM_CHAT || r.body?.channel === "C0ALERTS");
    expect(shared.length).toBeGreaterThan(0);
    expect(JSON.stringify(shared.map((r) => r.body))).not.toContain("sig=");
  });

  it("refuses a wrong webhook secret and records nothing", async () => {
    const response = await press(1001, decision, teamMessageId, "not-the-secret-000000000000");
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect((await ops(`/api/v1/approvals/${approvalId}`)).signatures).toEqual([]);
  });

  it("adds nothing for a stranger's press or alice's second one, and edits the message after alice's", async () => {
    expect(await (await press(999, decision, teamMessageId)).json()).toMatchObject({ outcome: "refused" });
    expect((await ops(`/api/v1/approvals/${approvalId}`)).signatures).toEqual([]);
    expect(await (await press(1001, decision, teamMessageId)).json()).toMatchObject({ outcome: "recorded" });
    expect(await (await press(1001, decision, teamMessageId)).json()).toMatchObject({ outcome: "repeat" });
    const approval = await ops(`/api/v1/approvals/${approvalId}`);
    expect(approval.status).toBe("PENDING");
    expect(approval.signatures.map((s: { approver: string }) => s.approver)).toEqual(["alice"]);
    await expect
      .poll(
        () =>
          about(first.incidentId).some((r) => r.path.endsWith("/editMessageText") && r.body.message_id === teamMessageId && r.body.text.includes("alice ✓")),
        {
          timeout: 15_000,
          interval: 200,
        },
      )
      .toBe(true);
  });

  it("tells carol (the next level) of the still-pending P0 only after its 20 s response SLA", async () => {
    const carolHeard = () => about(first.incidentId).some((r) => r.path.endsWith("/sendMessage") && String(r.body.chat_id) === CAROL_DM);
    const created = Date.parse((await ops(`/api/v1/approvals/${approvalId}`)).created_at);
    await stack.runCrons();
    if (Date.now() < created + 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(carolHeard()).toBe(false);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, created + 20_500 - Date.now())));
    await stack.runCrons();
    await expect.poll(carolHeard, { timeout: 15_000, interval: 200 }).toBe(true);
    const carol = about(first.incidentId).find((r) => r.path.endsWith("/sendMessage") && String(r.body.chat_id) === CAROL_DM)!;
    expect(carol.body.text).toContain("ESCALATED");
    // Her own chat: her link, nobody else's.
    expect(JSON.stringify(carol.body)).toContain("approver=carol");
    expect(JSON.stringify(carol.body)).not.toContain("approver=alice");
  });

  it("completes the approval with bob's press", async () => {
    expect(await (await press(1002, decision, teamMessageId)).json()).toMatchObject({ outcome: "recorded" });
    expect((await ops(`/api/v1/approvals/${approvalId}`)).status).toMatch(/^(APPROVED|EXECUTED|FAILED)$/);
  });

  it("takes a correctly signed Slack click from alice on another approval, and refuses a wrongly signed one", async () => {
    const channelPost = () =>
      about(second.incidentId).find(
        (r) => r.path.endsWith("chat.postMessage") && r.body.channel === "C0ALERTS" && JSON.stringify(r.body).includes('"action_id":"approve"'),
      ) ?? about(second.incidentId).find((r) => r.path.endsWith("chat.update") && JSON.stringify(r.body).includes('"action_id":"approve"'));
    await expect.poll(channelPost, { timeout: 60_000, interval: 250 }).toBeDefined();
    const message = channelPost()!;
    const approve = (message.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "approve")!;
    const otherApproval = approve.value.split(":")[1]!;
    const ts = (message.body.ts as string | undefined) ?? (message.answer as { ts: string }).ts;
    const forged = await slackClick("U0ALICE", approve.value, ts, "not-the-signing-secret-000000");
    expect(forged.status).toBe(401);
    expect((await ops(`/api/v1/approvals/${otherApproval}`)).signatures).toEqual([]);
    const signed = await slackClick("U0ALICE", approve.value, ts);
    expect(await signed.json()).toMatchObject({ outcome: "recorded" });
    expect((await ops(`/api/v1/approvals/${otherApproval}`)).signatures.map((s: { approver: string }) => s.approver)).toEqual(["alice"]);
  });
});
