import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { ApprovalAction } from "../../../shared/contracts/action.ts";
import type { IncidentResolvedV1 } from "../../../shared/contracts/queue.ts";
import { analyzeRequested } from "../../support/fixtures/messages.ts";
import { dbForTests } from "../../support/worker/env.ts";
import { consumerHarness } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const harness = () => consumerHarness();

function resolved(incidentId: string | null, fingerprint: string): IncidentResolvedV1 {
  return {
    type: "incident.resolved",
    version: 1,
    id: `resolve:${incidentId ?? fingerprint}`,
    occurredAt: new Date().toISOString(),
    correlationId: "corr",
    payload: { incident_id: incidentId, fingerprint, resolved_at: "2026-11-22T03:20:00.000Z", source: "alertmanager" },
  };
}

async function seedApproval(incidentId: string) {
  return createApprovalStore(db).createForIncident({
    id: crypto.randomUUID(),
    incidentId,
    riskLevel: "high",
    requiredSignatures: 2,
    autoApproved: false,
    initialStatus: "PENDING",
    reasons: [],
    action: ApprovalAction.parse({ operation: "INVESTIGATE", command: "true", description: "d" }),
    expiresAt: new Date(Date.now() + 3_600_000),
    createdAt: new Date(),
    correlationId: "corr",
    dryRun: true,
  });
}

describe("incident.resolved", () => {
  it("closes the incident with its resolution time and makes the pending approval obsolete", async () => {
    const { run } = harness();
    const request = analyzeRequested();
    await run([request]);
    const { approval } = await seedApproval(request.payload.incident_id);

    const { result } = await run([resolved(request.payload.incident_id, request.payload.fingerprint)]);
    expect(result.explicitAcks).toHaveLength(1);
    const incident = await createIncidentStore(db).get(request.payload.incident_id);
    expect(incident).toMatchObject({ status: "resolved", resolvedAt: new Date("2026-11-22T03:20:00.000Z") });
    expect((await createApprovalStore(db).get(approval.id))?.status).toBe("OBSOLETE");
    expect((await createApprovalStore(db).auditTrail(approval.id)).map((a) => a.action)).toEqual(["approval.requested", "approval.obsolete"]);
  });

  it("tells whoever was notified that the incident is over, once", async () => {
    const { run, notify } = harness();
    const request = analyzeRequested();
    await run([request]);
    const { approval } = await seedApproval(request.payload.incident_id);
    await createIncidentStore(db).recordTriage(request.payload.incident_id, {
      decision: "require_approval",
      risk_level: "high",
      required_signatures: 2,
      reasons: ["risk high requires 2 signatures"],
      decided_at: new Date().toISOString(),
    });
    const message = resolved(request.payload.incident_id, request.payload.fingerprint);
    await run([message]);
    await run([message]);
    // (A P0/P1 was also announced at admission: that notice is not what this test is about.)
    const notices = notify.sent.filter((m) => (m as { type: string }).type === "notify.requested");
    expect(new Set(notices.map((m) => m.id))).toEqual(new Set([`notify:${request.payload.incident_id}:resolved`]));
    expect(notices[0]?.payload).toMatchObject({
      kind: "resolved",
      approval_id: approval.id,
      approval_status: "OBSOLETE",
      fingerprint: request.payload.fingerprint,
    });
  });

  it("sends no resolution notice for an incident nobody was told about", async () => {
    const { run, notify } = harness();
    const request = analyzeRequested({ alert: { priority: "P2" } });
    await run([request]);
    await run([resolved(request.payload.incident_id, request.payload.fingerprint)]);
    expect(notify.sent).toHaveLength(0);
  });

  it("retries a resolution that overtook the incident's own analysis", async () => {
    const { run } = harness();
    const { result } = await run([resolved(crypto.randomUUID(), "0123456789abcdef")]);
    expect(result.retryMessages).toHaveLength(1);
  });

  it("closes by fingerprint when ingest had no incident id, and does nothing when none is open", async () => {
    const { run } = harness();
    const request = analyzeRequested();
    await run([request]);
    await run([resolved(null, request.payload.fingerprint)]);
    expect((await createIncidentStore(db).get(request.payload.incident_id))?.status).toBe("resolved");
    const { result } = await run([resolved(null, "fedcba9876543210")]);
    expect(result.explicitAcks).toHaveLength(1);
  });

  it("keeps an incident resolved when its verdict arrives afterwards", async () => {
    const { run } = harness();
    const request = analyzeRequested();
    await createIncidentStore(db).open({
      id: request.payload.incident_id,
      fingerprint: request.payload.fingerprint,
      alert: request.payload.alert,
      openedAt: new Date(),
      correlationId: "c",
    });
    await run([resolved(request.payload.incident_id, request.payload.fingerprint)]);
    await run([request]);
    expect(await createIncidentStore(db).get(request.payload.incident_id)).toMatchObject({ status: "resolved", rca: { provider: "rules" } });
  });
});

describe("alerts ingested without Redis (degraded)", () => {
  it("open one incident per fingerprint, however many deliveries arrive at once", async () => {
    const { classify, run } = harness();
    const fingerprint = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const deliveries = Array.from({ length: 3 }, () => {
      const message = analyzeRequested({ fingerprint });
      return { ...message, payload: { ...message.payload, degraded: true } };
    });
    await Promise.all(deliveries.map((d) => run([d])));
    const rows = await db.selectFrom("incidents").select("id").where("fingerprint", "=", fingerprint).execute();
    expect(rows).toHaveLength(1);
    expect(classify.sent).toHaveLength(1);
    // A redelivery of the message that won finds the verdict already handed on: still one classify message.
    const winner = deliveries.find((d) => d.payload.incident_id === rows[0]!.id)!;
    await run([winner]);
    expect(classify.sent.map((m) => m.payload.incident_id)).toEqual([rows[0]!.id]);
  });

  it("keep every id a webhook answer named readable: a folded id answers the incident that absorbed it", async () => {
    const { run } = harness();
    const fingerprint = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const deliveries = Array.from({ length: 3 }, () => analyzeRequested({ fingerprint }));
    // Redis forgot the fingerprint (a flush, an outage): each delivery names its own id; Postgres keeps one incident.
    for (const delivery of deliveries) await run([delivery]);
    const incidents = createIncidentStore(db);
    const [kept] = await db.selectFrom("incidents").select("id").where("fingerprint", "=", fingerprint).execute();
    for (const delivery of deliveries) {
      expect((await incidents.getOrAbsorber(delivery.payload.incident_id))?.id, delivery.payload.incident_id).toBe(kept!.id);
    }
    // The analysis works on real ids only: a folded id is not an incident of its own.
    const folded = deliveries.find((d) => d.payload.incident_id !== kept!.id)!;
    expect(await incidents.get(folded.payload.incident_id)).toBeUndefined();
    expect(await incidents.getOrAbsorber(crypto.randomUUID())).toBeUndefined();
  });

  it("open a new incident once the previous one of the fingerprint resolved", async () => {
    const { run } = harness();
    const fingerprint = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const first = { ...analyzeRequested({ fingerprint }) };
    first.payload = { ...first.payload, degraded: true };
    await run([first]);
    await run([resolved(first.payload.incident_id, fingerprint)]);
    const second = analyzeRequested({ fingerprint });
    second.payload = { ...second.payload, degraded: true };
    await run([second]);
    expect(await db.selectFrom("incidents").select("id").where("fingerprint", "=", fingerprint).execute()).toHaveLength(2);
  });
});
