import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/approve/src/env.ts";
import worker from "../../../functions/approve/src/index.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import type { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";
import { decide, linkFor, ops, request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

describe("ops API", () => {
  it("reads an incident with its verdict, hit count and approval", async () => {
    const approval = await seedPendingApproval(db);
    const response = await ops(`/api/v1/incidents/${approval.incidentId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: approval.incidentId,
      status: "analyzed",
      hit_count: 1,
      approval_id: approval.id,
      approval_status: "PENDING",
      rca: { provider: "rules", risk_level: "high" },
      analysis: { providers_tried: [], pending_provider: null },
    });
  });

  it("shows the cluster context analyze gathered on the incident and on its approval page", async () => {
    const approval = await seedPendingApproval(db);
    await createIncidentStore(db).recordContext(approval.incidentId, {
      collected_at: "2026-12-01T05:00:00.000Z",
      duration_ms: 120,
      pod: { name: "checkout-7d4b8c9f5-x2x9z", phase: "Running", ready: "0/1", restarts: 14, waiting_reason: "CrashLoopBackOff" },
      deployment: { name: "checkout", desired: 3, ready: 2, available: 2, updated: 3, revision: "7", revision_age_seconds: 10_800 },
      missing: [{ part: "metrics", reason: "PROMETHEUS_URL is not set on the relay" }],
    });
    const body = (await (await ops(`/api/v1/incidents/${approval.incidentId}`)).json()) as Record<string, any>;
    expect(body.analysis.cluster_context).toMatchObject({
      pod: { restarts: 14, waiting_reason: "CrashLoopBackOff" },
      deployment: { revision_age_seconds: 10_800 },
      missing: [{ part: "metrics", reason: "PROMETHEUS_URL is not set on the relay" }],
    });
    const page = await (await request(await linkFor(approval.id, "alice"))).text();
    expect(page).toContain('id="cluster-context"');
    expect(page).toContain("Deployment checkout: 2/3 ready, 2 available, 3 updated, revision 7 rolled out 3h ago");
  });

  it("answers cluster_context null when none was gathered", async () => {
    const approval = await seedPendingApproval(db);
    const body = (await (await ops(`/api/v1/incidents/${approval.incidentId}`)).json()) as Record<string, any>;
    expect(body.analysis.cluster_context).toBeNull();
    expect(await (await request(await linkFor(approval.id, "alice"))).text()).not.toContain('id="cluster-context"');
  });

  it("reads an approval with its signatures and audit trail", async () => {
    const approval = await seedPendingApproval(db, "high", 2);
    await decide(await linkFor(approval.id, "alice"), "approve");
    const body = (await (await ops(`/api/v1/approvals/${approval.id}`)).json()) as Record<string, any>;
    expect(body).toMatchObject({ id: approval.id, status: "PENDING", risk_level: "high", required_signatures: 2 });
    expect(body.signatures).toEqual([{ approver: "alice", decision: "approve", comment: null, signed_at: expect.any(String) }]);
    expect(body.audit.map((a: { action: string }) => a.action)).toEqual(["approval.requested", "approval.signed"]);
  });

  it.each([
    ["no token", undefined],
    ["a wrong token", "not-the-ops-token"],
  ])("answers 401 with a JSON error for %s", async (_case, token) => {
    const response = await ops(`/api/v1/approvals/${crypto.randomUUID()}`, token ?? "");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("refuses Basic auth even with the right token: the ops API takes Bearer only", async () => {
    const response = await request(`https://awoooi.test/api/v1/approvals/${crypto.randomUUID()}`, {
      headers: { Authorization: `Basic ${btoa(`ops:${testEnv.OPS_TOKEN}`)}` },
    });
    expect(response.status).toBe(401);
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect((await ops(`/api/v1/incidents/${crypto.randomUUID()}`)).status).toBe(404);
    const bad = await ops("/api/v1/approvals/not-a-uuid");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "id" }] } });
  });
});

describe("dead-letter consumer", () => {
  it("records parked messages and raw messages that exhausted their retries, once each", async () => {
    const messageId = crypto.randomUUID();
    const parked: DeadLetterV1 = {
      type: "dead_letter",
      version: 1,
      id: `dlq:awoooi-notify:${messageId}`,
      occurredAt: new Date().toISOString(),
      correlationId: "corr",
      payload: { queue: "awoooi-notify", message_id: messageId, reason: "PagerDuty answered 400", attempts: 1, body: { hello: "world" } },
    };
    const env = testEnv as unknown as Env;
    const { result } = await deliver(worker, env, "awoooi-dead-letter", [parked, parked, { raw: true }]);
    expect(result.explicitAcks).toHaveLength(3);
    const rows = await db.selectFrom("dead_letters").selectAll().where("message_id", "=", messageId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue: "awoooi-notify", reason: "PagerDuty answered 400", body: { hello: "world" } });
    const raw = await db.selectFrom("dead_letters").selectAll().where("queue", "=", "(retries exhausted)").execute();
    expect(raw.some((row) => JSON.stringify(row.body) === '{"raw":true}')).toBe(true);

    // Ops can list them, newest first, filtered by queue, page by page.
    const listed = (await (await ops("/api/v1/dead-letters?queue=awoooi-notify&limit=200")).json()) as { items: Array<Record<string, unknown>> };
    expect(listed.items.find((d) => d.message_id === messageId)).toMatchObject({
      queue: "awoooi-notify",
      reason: "PagerDuty answered 400",
      attempts: 1,
      body: { hello: "world" },
      received_at: expect.any(String),
    });
    expect(listed.items.every((d) => d.queue === "awoooi-notify")).toBe(true);
    const page = (await (await ops("/api/v1/dead-letters?limit=1")).json()) as { items: Array<{ id: string }>; next_cursor: string };
    const next = (await (await ops(`/api/v1/dead-letters?limit=1&cursor=${page.next_cursor}`)).json()) as { items: Array<{ id: string }> };
    expect(BigInt(next.items[0]!.id)).toBeLessThan(BigInt(page.items[0]!.id));
    expect((await ops("/api/v1/dead-letters?cursor=abc")).status).toBe(400);
  });
});

describe("ops list endpoints", () => {
  /** A time no other test uses, so `since` isolates this test's rows in the shared database. */
  const uniqueBase = () => new Date(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e9) * 1000);
  const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
  const list = async (path: string) => {
    const response = await ops(path);
    return { status: response.status, body: (await response.json()) as { items: Array<Record<string, any>>; next_cursor: string | null; error?: any } };
  };

  it("lists incidents newest first, filtered by status, priority and since, page by page", async () => {
    const base = uniqueBase();
    const seeded = [];
    for (const [i, priority] of (["P0", "P2", "P2"] as const).entries()) {
      seeded.push(await seedAnalyzedIncident(db, undefined, { alert: { priority, fired_at: at(base, i + 1).toISOString() } }));
    }
    await createIncidentStore(db).resolve(seeded[1]!.payload.incident_id, new Date());
    const since = encodeURIComponent(base.toISOString());

    const all = await list(`/api/v1/incidents?since=${since}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((i) => i.id)).toEqual(seeded.map((s) => s.payload.incident_id).reverse());
    expect(all.body.items[0]).toMatchObject({ priority: "P2", status: "analyzed", risk_level: expect.any(String), opened_at: at(base, 3).toISOString() });

    const p2 = await list(`/api/v1/incidents?since=${since}&priority=P2`);
    expect(p2.body.items.map((i) => i.id)).toEqual([seeded[2]!.payload.incident_id, seeded[1]!.payload.incident_id]);
    const resolved = await list(`/api/v1/incidents?since=${since}&status=resolved`);
    expect(resolved.body.items.map((i) => i.id)).toEqual([seeded[1]!.payload.incident_id]);

    const page1 = await list(`/api/v1/incidents?since=${since}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await list(`/api/v1/incidents?since=${since}&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.items.map((i) => i.id)).toEqual([seeded[0]!.payload.incident_id]);
    expect(page2.body.next_cursor).toBeNull();
  });

  it("lists approvals newest first, filtered by status, priority and since", async () => {
    const base = uniqueBase();
    const first = await seedPendingApproval(db, "medium", 1, { priority: "P1", createdAt: at(base, 1) });
    const second = await seedPendingApproval(db, "high", 2, { priority: "P3", createdAt: at(base, 2) });
    await decide(await linkFor(first.id, "alice"), "approve");
    const since = encodeURIComponent(base.toISOString());

    const all = await list(`/api/v1/approvals?since=${since}`);
    expect(all.body.items.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(all.body.items[1]).toMatchObject({ status: "APPROVED", priority: "P1", risk_level: "medium", approvals: 1, required_signatures: 1 });
    expect((await list(`/api/v1/approvals?since=${since}&status=PENDING`)).body.items.map((a) => a.id)).toEqual([second.id]);
    expect((await list(`/api/v1/approvals?since=${since}&priority=P1`)).body.items.map((a) => a.id)).toEqual([first.id]);
  });

  it.each([
    ["/api/v1/incidents?status=open", "status"],
    ["/api/v1/approvals?status=approved", "status"],
    ["/api/v1/incidents?priority=P9", "priority"],
    ["/api/v1/approvals?since=yesterday", "since"],
    ["/api/v1/incidents?limit=0", "limit"],
    ["/api/v1/incidents?limit=1000", "limit"],
    ["/api/v1/approvals?cursor=not-a-cursor", "cursor"],
    ["/api/v1/incidents?priorty=P0", "priorty"],
    ["/api/v1/dead-letters?queue=%00", "queue"],
  ])("answers 400 naming the field for %s", async (path, field) => {
    const response = await ops(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; fields: Array<{ field: string }> } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.fields.map((f) => f.field)).toContain(field);
  });

  it("requires the ops token", async () => {
    expect((await ops("/api/v1/incidents", "wrong-token-123")).status).toBe(401);
    expect((await ops("/api/v1/approvals", "")).status).toBe(401);
  });

  it("shows the trust decision on the incident", async () => {
    const approval = await seedPendingApproval(db);
    const triage = {
      decision: "require_approval" as const,
      risk_level: "high" as const,
      required_signatures: 2,
      reasons: ["risk high requires 2 signatures"],
      decided_at: new Date().toISOString(),
    };
    await createIncidentStore(db).recordTriage(approval.incidentId, triage);
    expect(await (await ops(`/api/v1/incidents/${approval.incidentId}`)).json()).toMatchObject({ triage });
  });
});
