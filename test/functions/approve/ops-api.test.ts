import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/approve/src/env.ts";
import worker from "../../../functions/approve/src/index.ts";
import type { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
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
  });
});
