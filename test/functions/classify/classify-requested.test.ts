import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/classify/src/env.ts";
import worker from "../../../functions/classify/src/index.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { type DeadLetterV1, NotifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";

const db = dbForTests();
afterAll(() => db.destroy());

function harness(vars: Record<string, string> = {}) {
  const notify = recordingQueue<NotifyRequestedV1>();
  const deadLetters = recordingQueue<DeadLetterV1>();
  const env = { ...testEnv, ...vars, NOTIFY_QUEUE: notify, DEAD_LETTER_QUEUE: deadLetters } as unknown as Env;
  return { notify, deadLetters, run: (bodies: unknown[]) => deliver(worker, env, "awoooi-classify", bodies) };
}

describe("classify queue consumer", () => {
  it.each([
    ["medium", 1],
    ["high", 2],
    ["critical", 2],
  ] as const)("turns a %s-risk verdict into a pending approval needing %d signature(s)", async (risk_level, required) => {
    const { notify, run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level });
    await run([message]);

    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", riskLevel: risk_level, requiredSignatures: required, autoApproved: false });
    expect(approval?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const audit = await createApprovalStore(db).auditTrail(approval!.id);
    expect(audit.map((a) => a.action)).toEqual(["approval.requested"]);

    const sent = NotifyRequestedV1.parse(notify.sent[0]);
    expect(sent.payload).toMatchObject({ kind: "approval_requested", approval_id: approval!.id, required_signatures: required });
    expect(sent.payload.expires_at).toBe(Math.floor(approval!.expiresAt.getTime() / 1000));
  });

  it("auto-approves a low-risk model verdict when every guardrail holds, with an audit row saying so", async () => {
    const { notify, run } = harness({ AUTO_APPROVE_NAMESPACES: "production" });
    const message = await seedAnalyzedIncident(db, {
      risk_level: "low",
      provider: "ollama",
      model: "llama3.2",
      confidence: 92,
      suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod api-server-7d4b8c9f5-xk2m3 -n production", description: "replace the pod" },
    });
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "APPROVED", autoApproved: true, requiredSignatures: 0 });
    expect((await createApprovalStore(db).auditTrail(approval!.id)).map((a) => a.action)).toEqual(["approval.auto_approved"]);
    expect(notify.sent[0]?.payload.kind).toBe("auto_approved");
  });

  it("asks a human for a low-risk verdict outside the automatic namespaces, saying why", async () => {
    const { run } = harness();
    const message = await seedAnalyzedIncident(db, {
      risk_level: "low",
      provider: "ollama",
      confidence: 92,
      suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod p -n production", description: "d" },
    });
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval).toMatchObject({ status: "PENDING", requiredSignatures: 1 });
    expect(approval?.reasons.join(" ")).toContain("namespace production is not allowed");
  });

  it("asks a human when a low-risk verdict comes from rules only", async () => {
    const { run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level: "low" });
    await run([message]);
    expect(await createApprovalStore(db).getByIncident(message.payload.incident_id)).toMatchObject({ status: "PENDING", requiredSignatures: 1 });
  });

  it("absorbs redelivery: one approval row, one audit row, the same notify message id", async () => {
    const { notify, run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level: "high" });
    await run([message]);
    await run([message, message]);
    const rows = await db.selectFrom("approvals").select("id").where("incident_id", "=", message.payload.incident_id).execute();
    expect(rows).toHaveLength(1);
    expect(await createApprovalStore(db).auditTrail(rows[0]!.id)).toHaveLength(1);
    expect(new Set(notify.sent.map((m) => m.id))).toEqual(new Set([`notify:${rows[0]!.id}:approval_requested`]));
  });

  it("dead-letters a message of an unknown version", async () => {
    const { deadLetters, run } = harness();
    const message = await seedAnalyzedIncident(db);
    await run([{ ...message, version: 9 }]);
    expect(deadLetters.sent[0]?.payload.reason).toContain("version 9");
  });

  it("retries a message whose incident row is missing rather than dropping it", async () => {
    const { run, notify } = harness();
    const message = await seedAnalyzedIncident(db);
    const orphan = { ...message, payload: { ...message.payload, incident_id: crypto.randomUUID() } };
    const { result } = await run([orphan]);
    expect(result.retryMessages).toHaveLength(1);
    expect(notify.sent).toHaveLength(0);
  });
});

describe("an incident that resolved before classify ran", () => {
  it("gets an obsolete approval and no notification", async () => {
    const { notify, run } = harness();
    const message = await seedAnalyzedIncident(db, { risk_level: "high" });
    await createIncidentStore(db).resolve(message.payload.incident_id, new Date());
    await run([message]);
    const approval = await createApprovalStore(db).getByIncident(message.payload.incident_id);
    expect(approval?.status).toBe("OBSOLETE");
    expect((await createApprovalStore(db).auditTrail(approval!.id)).map((a) => a.action)).toEqual(["approval.obsolete"]);
    expect(notify.sent).toHaveLength(0);
  });
});
