import { afterAll, describe, expect, it } from "vitest";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { encodeChatAck } from "../../../shared/domain/chat-decision.ts";
import { FAKE_TELEGRAM_TOKEN } from "../../support/fakes/chat-credentials.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { ackIncident as ack, decide, linkFor, ops, recordingEnv, request, seedNotifyOnlyIncident, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const incidents = () => createIncidentStore(db);

const _MINUTE = 60_000;
const SECRET = "tg-webhook-secret-0123456789";
const ROSTER = [
  { id: "alice", telegram_user_id: "1001", level: 1 },
  { id: "bob", telegram_user_id: "1002", level: 1 },
  { id: "carol", telegram_chat_id: "3003", level: 2 },
];
const chatEnv = () =>
  recordingEnv({
    TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
    TELEGRAM_API_BASE: testEnv.TEST_CHAT_SERVICES_URL!,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    APPROVERS: JSON.stringify(ROSTER),
  });

/** A notify-only P3 incident: no sweep running meanwhile escalates it (P3 stays with on-call). */
const notifyOnlyIncident = () => seedNotifyOnlyIncident(db, "P3");

const telegram = (update: unknown, env: Record<string, unknown>) =>
  request(
    "https://awoooi.test/api/v1/telegram/webhook",
    { method: "POST", headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET }, body: JSON.stringify(update) },
    env,
  );
let updateId = 5_000;
const press = (fromId: number, data: string) => ({
  update_id: updateId++,
  callback_query: { id: `cbq-${crypto.randomUUID()}`, from: { id: fromId, is_bot: false, first_name: "X" }, chat_instance: "1", data },
});
const command = (fromId: number, text: string) => ({
  update_id: updateId++,
  message: { message_id: 9, from: { id: fromId, is_bot: false, first_name: "A" }, chat: { id: -100777, type: "supergroup" }, date: 0, text },
});

describe("POST /api/v1/incidents/:id/ack", () => {
  it("records the first acknowledgement with an audit row; a repeat names the first one", async () => {
    const id = await notifyOnlyIncident();
    const first = await ack(id, { by: "alice" });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ incident_id: id, acknowledged: true, acknowledged_by: "alice" });
    const again = await ack(id, { by: "bob" });
    expect(await again.json()).toMatchObject({ acknowledged: false, acknowledged_by: "alice" });
    const shown = (await (await ops(`/api/v1/incidents/${id}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ acknowledged_by: "alice", escalation: { level: 0, steps: [] } });
    expect(typeof shown.acknowledged_at).toBe("string");
    const audit = await db.selectFrom("audit_log").selectAll().where("subject_id", "=", id).where("action", "=", "incident.acknowledged").execute();
    expect(audit.map((a) => a.actor)).toEqual(["alice"]);
  });

  it("names the bad field, refuses without the ops token, 404s an unknown incident and 409s a resolved one — changing nothing", async () => {
    const id = await notifyOnlyIncident();
    const bad = await ack(id, { by: "alice; drop table" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: [{ field: "by" }] } });
    expect((await ack(id, { by: "alice" }, null)).status).toBe(401);
    expect((await incidents().get(id))?.acknowledged).toBeUndefined();
    expect((await ack(crypto.randomUUID(), {})).status).toBe(404);
    await incidents().resolve(id, new Date());
    const closed = await ack(id, {});
    expect(closed.status).toBe(409);
    expect((await incidents().get(id))?.acknowledged).toBeUndefined();
  });

  it("tells notify who is on an incident with nothing to sign, and leaves an approval's messages alone", async () => {
    const recording = recordingEnv();
    const id = await notifyOnlyIncident();
    await ack(id, { by: "alice" }, testEnv.OPS_TOKEN ?? null, recording.env);
    const sent = recording.notify.sent.filter((m) => (m as { type: string }).type === "incident.acknowledged") as unknown as Array<{
      payload: { incident_id: string; by: string };
    }>;
    expect(sent.map((m) => [m.payload.incident_id, m.payload.by])).toEqual([[id, "alice"]]);
    await ack(id, { by: "bob" }, testEnv.OPS_TOKEN ?? null, recording.env);
    expect(recording.notify.sent.filter((m) => (m as { type: string }).type === "incident.acknowledged")).toHaveLength(1);

    const withApproval = recordingEnv();
    const approval = await seedPendingApproval(db, "high", 2, { priority: "P3" });
    await ack(approval.incidentId, { by: "alice" }, testEnv.OPS_TOKEN ?? null, withApproval.env);
    expect(withApproval.notify.sent.filter((m) => (m as { type: string }).type === "incident.acknowledged")).toEqual([]);
  });

  it("defaults the acknowledger to ops", async () => {
    const id = await notifyOnlyIncident();
    expect(await (await ack(id, {})).json()).toMatchObject({ acknowledged: true, acknowledged_by: "ops" });
  });
});

describe("acknowledging from the chat", () => {
  it("takes an Acknowledge press from a roster member, and refuses a stranger's without changing anything", async () => {
    const { env } = chatEnv();
    const id = await notifyOnlyIncident();
    const stranger = await telegram(press(999, encodeChatAck(id)), env);
    expect(await stranger.json()).toMatchObject({ handled: true, outcome: "refused" });
    expect((await incidents().get(id))?.acknowledged).toBeUndefined();
    const alice = await telegram(press(1001, encodeChatAck(id)), env);
    expect(await alice.json()).toMatchObject({ handled: true, outcome: "acknowledged" });
    expect((await incidents().get(id))?.acknowledged?.by).toBe("alice");
    const bob = await telegram(press(1002, encodeChatAck(id)), env);
    expect(await bob.json()).toMatchObject({ outcome: "repeat" });
    expect((await incidents().get(id))?.acknowledged?.by).toBe("alice");
  });

  it("takes /ack <id> from a roster member, as that member", async () => {
    const { env } = chatEnv();
    const id = await notifyOnlyIncident();
    const reply = (await (await telegram(command(1002, `/ack ${id}`), env)).json()) as { text: string };
    expect(reply.text).toContain("Acknowledged by bob");
    expect((await incidents().get(id))?.acknowledged?.by).toBe("bob");
    const usage = (await (await telegram(command(1002, "/ack nonsense"), env)).json()) as { text: string };
    expect(usage.text).toContain("Usage: /ack");
  });
});

describe("what a signature tells notify", () => {
  it("publishes approval.changed for each signature: signed, then approved", async () => {
    const approval = await seedPendingApproval(db, "high", 2);
    const recording = recordingEnv();
    await decide(await linkFor(approval.id, "alice"), "approve", {}, recording.env);
    await decide(await linkFor(approval.id, "bob"), "approve", {}, recording.env);
    const changes = recording.notify.sent.filter((m) => (m as { type: string }).type === "approval.changed") as unknown as Array<{
      id: string;
      payload: { change: string; approver: string; notification: { approval_status: string; signatures: unknown[] } };
    }>;
    expect(
      changes.map((c) => [c.payload.change, c.payload.approver, c.payload.notification.approval_status, c.payload.notification.signatures.length]),
    ).toEqual([
      ["signed", "alice", "PENDING", 1],
      ["approved", "bob", "APPROVED", 2],
    ]);
    expect(changes.map((c) => c.id)).toEqual([`approval-changed:${approval.id}:1:signed`, `approval-changed:${approval.id}:2:approved`]);
  });
});
