import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { encodeChatDecision } from "../../../shared/domain/chat-decision.ts";
import { FAKE_TELEGRAM_TOKEN } from "../../support/fakes/chat-credentials.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { recordingEnv, request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const store = () => createApprovalStore(db);

const FAKE = testEnv.TEST_CHAT_SERVICES_URL!;
const SECRET = "tg-webhook-secret-0123456789";
const ROSTER = [
  { id: "alice", telegram_user_id: 1001, level: 1 },
  { id: "bob", telegram_user_id: "1002", level: 1 },
  { id: "carol", telegram_chat_id: 3003, level: 2 },
];

function telegramEnv(vars: Record<string, string> = {}) {
  return recordingEnv({
    TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
    TELEGRAM_API_BASE: FAKE,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    APPROVERS: JSON.stringify(ROSTER),
    ...vars,
  });
}

let updateId = 1;
/** A button press as Telegram delivers it (PROTOCOLS §15), from a user, on a team-chat message. */
function press(fromId: number, data: string, messageId = 4242) {
  return {
    update_id: updateId++,
    callback_query: {
      id: `cbq-${crypto.randomUUID()}`,
      from: { id: fromId, is_bot: false, first_name: "X" },
      message: { message_id: messageId, chat: { id: -1001234567890, type: "supergroup" }, date: Math.floor(Date.now() / 1000), text: "…" },
      chat_instance: "-451",
      data,
    },
  };
}

const deliver = (update: unknown, env: Record<string, unknown>, secret: string | null = SECRET) =>
  request(
    "https://awoooi.test/api/v1/telegram/webhook",
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(secret ? { "X-Telegram-Bot-Api-Secret-Token": secret } : {}) },
      body: JSON.stringify(update),
    },
    env,
  );

/** What the fake Bot API received for one callback query or message. */
async function botCalls(contains: string): Promise<Array<{ path: string; body: any; status: number }>> {
  const url = new URL("/_requests", FAKE);
  url.searchParams.set("channel", "telegram");
  url.searchParams.set("contains", contains);
  return (await fetch(url)).json();
}

describe("Telegram button presses", () => {
  it("records alice's press as her signature, answers it, and edits the message in place", async () => {
    const { env } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const update = press(1001, encodeChatDecision(approval.id, "approve", approval.action.digest), 7001);
    const response = await deliver(update, env);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ handled: true, outcome: "recorded" });
    const after = await store().get(approval.id);
    expect(after?.signatures).toEqual([expect.objectContaining({ approver: "alice", decision: "approve", actionDigest: approval.action.digest })]);
    expect(after?.status).toBe("PENDING");

    const answered = await botCalls(update.callback_query.id);
    expect(answered).toEqual([expect.objectContaining({ path: `/bot${FAKE_TELEGRAM_TOKEN}/answerCallbackQuery`, status: 200 })]);
    expect(answered[0]?.body.text).toContain("alice approved (1 of 2)");
    const edits = (await botCalls(approval.incidentId)).filter((r) => r.path.endsWith("/editMessageText") && r.body.message_id === 7001);
    expect(edits.at(-1)?.status).toBe(200);
    expect(edits.at(-1)?.body.text).toContain("alice ✓");
    expect(JSON.stringify(edits.at(-1)?.body)).not.toContain("sig=");
    expect(
      edits
        .at(-1)
        ?.body.reply_markup.inline_keyboard.flat()
        .map((b: { text: string }) => b.text),
    ).toEqual(["✅ Approve", "❌ Reject"]);
  });

  it("counts a second press by the same person once, and bob's press completes the approval", async () => {
    const { env, execute } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const data = encodeChatDecision(approval.id, "approve", approval.action.digest);
    await deliver(press(1001, data), env);
    const again = await deliver(press(1001, data), env);
    expect(await again.json()).toMatchObject({ outcome: "repeat" });
    expect((await store().get(approval.id))?.signatures).toHaveLength(1);
    const bob = await deliver(press(1002, data, 7002), env);
    expect(await bob.json()).toMatchObject({ outcome: "recorded" });
    const decided = await store().get(approval.id);
    expect(decided?.status).toBe("APPROVED");
    expect(execute.sent).toHaveLength(1);
    const edit = (await botCalls(approval.incidentId)).filter((r) => r.path.endsWith("/editMessageText") && r.body.message_id === 7002).at(-1);
    expect(edit?.body.reply_markup).toBeUndefined();
    expect(edit?.body.text).toContain("APPROVED: the action goes to the executor");
  });

  it("changes nothing for a stranger's press, and tells them why", async () => {
    const { env } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const update = press(9999, encodeChatDecision(approval.id, "approve", approval.action.digest));
    expect(await (await deliver(update, env)).json()).toMatchObject({ outcome: "refused" });
    expect((await store().get(approval.id))?.signatures).toEqual([]);
    expect((await botCalls(update.callback_query.id))[0]?.body.text).toContain("not on the approver roster");
  });

  it("refuses a button for another version of the action", async () => {
    const { env } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const update = press(1001, encodeChatDecision(approval.id, "approve", "f".repeat(64)));
    expect(await (await deliver(update, env)).json()).toMatchObject({ outcome: "refused" });
    expect((await store().get(approval.id))?.signatures).toEqual([]);
  });

  it.each([
    ["no secret header", null, 401],
    ["a wrong secret", "not-the-secret-0123456789", 401],
  ])("refuses an update with %s and changes nothing", async (_case, secret, status) => {
    const { env } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const response = await deliver(press(1001, encodeChatDecision(approval.id, "approve", approval.action.digest)), env, secret);
    expect(response.status).toBe(status);
    expect((await store().get(approval.id))?.signatures).toEqual([]);
  });

  it("answers 404 when Telegram callbacks are not configured", async () => {
    const { env } = recordingEnv();
    expect((await deliver(press(1001, "x"), env)).status).toBe(404);
  });

  it("names the bad field of something that is not an Update", async () => {
    const { env } = telegramEnv();
    const response = await deliver({ update_id: "seven" }, env);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { fields: [{ field: "update_id" }] } });
  });

  it("acknowledges other updates without acting on them", async () => {
    const { env } = telegramEnv();
    const response = await deliver({ update_id: updateId++, message: { message_id: 1, chat: { id: 5 }, date: 0, text: "hello" } }, env);
    expect(await response.json()).toEqual({ ok: true, handled: false });
  });
});

describe("Telegram commands", () => {
  const command = (fromId: number, text: string) => ({
    update_id: updateId++,
    message: { message_id: 9, from: { id: fromId, is_bot: false, first_name: "A" }, chat: { id: -100777, type: "supergroup" }, date: 0, text },
  });

  it("lists pending approvals for /pending, answering in the webhook's reply", async () => {
    const { env } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const response = await deliver(command(1001, "/pending@awoooi_bot"), env);
    const reply = (await response.json()) as { method: string; chat_id: number; text: string; parse_mode: string };
    expect(reply).toMatchObject({ method: "sendMessage", chat_id: -100777, parse_mode: "HTML" });
    expect(reply.text).toContain(approval.incidentId);
    expect(reply.text).toContain("0/2 approvals");
  });

  it("shows one incident for /incident <id>, and the counts for /status", async () => {
    const { env } = telegramEnv();
    const approval = await seedPendingApproval(db, "high", 2);
    const incident = (await (await deliver(command(1002, `/incident ${approval.incidentId}`), env)).json()) as { text: string };
    expect(incident.text).toContain("Approval PENDING: 0/2");
    const status = (await (await deliver(command(1002, "/status"), env)).json()) as { text: string };
    expect(status.text).toMatch(/\d+ open incident\(s\), \d+ approval\(s\) pending/);
  });

  it("tells a stranger nothing", async () => {
    const { env } = telegramEnv();
    const reply = (await (await deliver(command(4242, "/pending"), env)).json()) as { text: string };
    expect(reply.text).toBe("Only approvers on the roster can ask me that.");
  });
});

describe("the roster", () => {
  it("refuses at start a roster that can never give the signatures high risk needs", async () => {
    const { env } = telegramEnv({ APPROVERS: JSON.stringify([{ id: "solo" }]) });
    const response = await request("https://awoooi.test/ready", {}, env);
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toContain("APPROVERS");
  });

  it("refuses one Telegram account on two approvers", async () => {
    const { env } = telegramEnv({
      APPROVERS: JSON.stringify([
        { id: "a", telegram_user_id: 1 },
        { id: "b", telegram_user_id: "1" },
      ]),
    });
    expect((await request("https://awoooi.test/ready", {}, env)).status).toBe(503);
  });
});
