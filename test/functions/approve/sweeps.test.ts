import { createScheduledController } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/approve/src/env.ts";
import worker from "../../../functions/approve/src/index.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createExecutionStore } from "../../../shared/adapters/neon-kysely-execution-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { dbForTests } from "../../support/worker/env.ts";
import { ackIncident, decide, linkFor, ops, recordingEnv, seedNotifyOnlyIncident, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const approvals = () => createApprovalStore(db);
const incidents = () => createIncidentStore(db);

const MINUTE = 60_000;

/**
 * Runs the approve function's cron at a simulated time. Approvals are seeded
 * in the past rather than the clock pushed far ahead, so the sweep never
 * touches approvals other tests are still working with.
 */
async function sweepAt(at: number, vars: Record<string, string> = {}) {
  const recording = recordingEnv(vars);
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), recording.env as unknown as Env);
  return recording;
}

const mine = (sent: Array<{ id: string; payload: { approval_id?: string | undefined } }>, approvalId: string) =>
  sent.filter((m) => m.payload.approval_id === approvalId);

describe("the expiry sweep", () => {
  it("expires a pending approval past its deadline once, with an audit row and one notice", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "high", 2, { createdAt: new Date(now - 31 * MINUTE), expiresAt: new Date(now - 1_000) });
    const first = await sweepAt(now);
    expect((await approvals().get(approval.id))?.status).toBe("EXPIRED");
    expect((await approvals().auditTrail(approval.id)).filter((e) => e.action === "approval.expired")).toHaveLength(1);
    expect(mine(first.notify.sent, approval.id).map((m) => m.id)).toEqual([`notify:${approval.id}:expired`]);

    const second = await sweepAt(now + 1_000);
    expect(mine(second.notify.sent, approval.id)).toHaveLength(0);
  });

  it("leaves an approval alone until its deadline has passed", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "high", 2, { createdAt: new Date(now - MINUTE), expiresAt: new Date(now + 10 * MINUTE) });
    await sweepAt(now + 9 * MINUTE);
    expect((await approvals().get(approval.id))?.status).toBe("PENDING");
  });

  it("does not expire an approval that was decided in time", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "medium", 1, { createdAt: new Date(now - 10 * MINUTE), expiresAt: new Date(now + 60_000) });
    await decide(await linkFor(approval.id, "alice"), "approve", {}, recordingEnv().env);
    await sweepAt(now + 2 * MINUTE);
    expect((await approvals().get(approval.id))?.status).toBe("APPROVED");
  });
});

describe("the SLA escalation sweep", () => {
  it("climbs one level per overdue P0 response period (5 min), announcing each level once", async () => {
    const created = Date.now() - MINUTE;
    const approval = await seedPendingApproval(db, "high", 2, { priority: "P0", createdAt: new Date(created), expiresAt: new Date(created + 30 * MINUTE) });

    expect(mine((await sweepAt(created + 4 * MINUTE)).notify.sent, approval.id)).toHaveLength(0);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(0);

    const l1 = await sweepAt(created + 5 * MINUTE + 1_000);
    expect(mine(l1.notify.sent, approval.id).map((m) => m.id)).toEqual([`notify:${approval.id}:escalated:L1`]);
    expect(mine(l1.notify.sent, approval.id)[0]?.payload).toMatchObject({ kind: "escalated", escalation: { level: 1, role: "L1 expert" } });
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(1);
    expect(mine((await sweepAt(created + 6 * MINUTE)).notify.sent, approval.id)).toHaveLength(0);

    // Missed ticks catch up: 16 minutes in is level 3, and levels 2 and 3 are each announced.
    const catchUp = await sweepAt(created + 16 * MINUTE);
    expect(mine(catchUp.notify.sent, approval.id).map((m) => m.id)).toEqual([`notify:${approval.id}:escalated:L2`, `notify:${approval.id}:escalated:L3`]);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(3);

    await sweepAt(created + 24 * MINUTE);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(4);
    expect((await approvals().auditTrail(approval.id)).filter((e) => e.action === "approval.escalated").map((e) => e.details.level)).toEqual([1, 3, 4]);
  });

  it.each([
    ["P1", 15],
    ["P2", 60],
  ] as const)("escalates a %s approval after its %d-minute response SLA", async (priority, minutes) => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "high", 2, {
      priority,
      createdAt: new Date(now - minutes * MINUTE + 2 * MINUTE),
      expiresAt: new Date(now + 24 * 60 * MINUTE),
    });
    await sweepAt(now);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(0);
    await sweepAt(now + 2 * MINUTE + 1_000);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(1);
  });

  it("follows SLA_RESPONSE when set, up to the priority's ceiling (P2 stops at the team lead, L2)", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "high", 2, {
      priority: "P2",
      createdAt: new Date(now - 3 * MINUTE),
      expiresAt: new Date(now + 60 * MINUTE),
    });
    await sweepAt(now, { SLA_RESPONSE: "P2=1m" });
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(2);
    await sweepAt(now + 30 * MINUTE, { SLA_RESPONSE: "P2=1m" });
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(2);
  });

  it("never escalates a P3 (it stays with on-call), unless ESCALATION_MAX_LEVEL says so", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "high", 2, {
      priority: "P3",
      createdAt: new Date(now - 9 * 60 * MINUTE),
      expiresAt: new Date(now + 24 * 60 * MINUTE),
    });
    const quiet = await sweepAt(now);
    expect(mine(quiet.notify.sent, approval.id)).toHaveLength(0);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(0);
    await sweepAt(now, { ESCALATION_MAX_LEVEL: "P3=1" });
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(1);
  });

  it("refuses a malformed ESCALATION_MAX_LEVEL, naming the variable", async () => {
    await expect(sweepAt(Date.now(), { ESCALATION_MAX_LEVEL: "P0=9" })).rejects.toThrow(/ESCALATION_MAX_LEVEL/);
  });

  it("never escalates a decided approval", async () => {
    const created = Date.now() - 10 * MINUTE;
    const approval = await seedPendingApproval(db, "medium", 1, { priority: "P0", createdAt: new Date(created), expiresAt: new Date(created + 30 * MINUTE) });
    await decide(await linkFor(approval.id, "bob"), "reject", {}, recordingEnv().env);
    const swept = await sweepAt(Date.now());
    expect(mine(swept.notify.sent, approval.id)).toHaveLength(0);
    expect((await approvals().get(approval.id))?.escalationLevel).toBe(0);
  });
});

/** alice and bob at level 1, carol at level 2: the first escalation step reaches carol. */
const LEVELLED = {
  APPROVERS: JSON.stringify([
    { id: "alice", level: 1 },
    { id: "bob", level: 1 },
    { id: "carol", telegram_chat_id: "3003", level: 2 },
  ]),
};
const escalationsOf = (sent: Array<{ type?: string; payload: any }>, incidentId: string) =>
  sent.filter((m) => m.type === "incident.escalated" && m.payload.incident_id === incidentId).map((m) => m.payload);

describe("the incident escalation sweep (nothing to sign, or open too long)", () => {
  it("escalates an unacknowledged P0 notice after its 5-minute response SLA to the next level present, once, on the incident and in the audit log", async () => {
    const id = await seedNotifyOnlyIncident(db, "P0", 6 * MINUTE);
    const first = await sweepAt(Date.now(), LEVELLED);
    expect(escalationsOf(first.notify.sent, id)).toEqual([expect.objectContaining({ reason: "unacknowledged", level: 1, role: "L1 expert" })]);
    const after = await incidents().get(id);
    expect(after?.escalationLevel).toBe(1);
    expect(after?.escalations).toEqual([expect.objectContaining({ level: 1, reason: "unacknowledged", reached: ["carol"] })]);
    expect(escalationsOf((await sweepAt(Date.now() + 1_000, LEVELLED)).notify.sent, id)).toEqual([]);
    const audit = await db.selectFrom("audit_log").selectAll().where("subject_id", "=", id).where("action", "=", "incident.escalated").execute();
    expect(audit).toHaveLength(1);
    const shown = (await (await ops(`/api/v1/incidents/${id}`)).json()) as { escalation: { level: number; steps: unknown[] } };
    expect(shown.escalation).toMatchObject({ level: 1, steps: [{ level: 1, reason: "unacknowledged", reached: ["carol"] }] });
  });

  it("stops escalating for a response once acknowledged, but still for the resolution SLA", async () => {
    const id = await seedNotifyOnlyIncident(db, "P0", 6 * MINUTE);
    await ackIncident(id, { by: "alice" });
    expect(escalationsOf((await sweepAt(Date.now(), LEVELLED)).notify.sent, id)).toEqual([]);
    const late = await sweepAt(Date.now() + 25 * MINUTE, LEVELLED);
    expect(escalationsOf(late.notify.sent, id)).toEqual([expect.objectContaining({ reason: "unresolved", level: 1 })]);
  });

  it("never escalates a P3 notice (its ceiling is on-call)", async () => {
    const id = await seedNotifyOnlyIncident(db, "P3", 10 * 3_600_000);
    expect(escalationsOf((await sweepAt(Date.now(), LEVELLED)).notify.sent, id)).toEqual([]);
  });

  it("keeps an approval's escalation steps on its incident too", async () => {
    const created = Date.now() - 6 * MINUTE;
    const approval = await seedPendingApproval(db, "high", 2, { priority: "P0", createdAt: new Date(created), expiresAt: new Date(created + 30 * MINUTE) });
    await sweepAt(Date.now(), LEVELLED);
    const steps = (await incidents().get(approval.incidentId))?.escalations ?? [];
    expect(steps.filter((s) => s.reason === "approval_pending")).toEqual([expect.objectContaining({ level: 1, reached: ["carol"] })]);
  });
});

describe("the hand-off outbox sweep", () => {
  it("re-sends the hand-off of an approved action whose queue message was lost", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "medium", 1, { status: "APPROVED", createdAt: new Date(now - 5 * MINUTE) });
    const execution = await createExecutionStore(db).getByApproval(approval.id);
    expect(execution?.status).toBe("requested");
    const swept = await sweepAt(now);
    expect(swept.execute.sent.filter((m) => m.payload.execution_id === execution!.id).map((m) => m.id)).toEqual([`execute:${execution!.id}`]);
  });

  it("leaves a fresh hand-off to the request that wrote it", async () => {
    const now = Date.now();
    const approval = await seedPendingApproval(db, "medium", 1, { status: "APPROVED", createdAt: new Date(now - 10_000) });
    const execution = await createExecutionStore(db).getByApproval(approval.id);
    const swept = await sweepAt(now);
    expect(swept.execute.sent.filter((m) => m.payload.execution_id === execution!.id)).toHaveLength(0);
  });
});
