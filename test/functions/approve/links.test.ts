import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createUpstashLearningStats } from "../../../shared/adapters/upstash-learning-stats.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { decide, linkFor, request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const store = () => createApprovalStore(db);

/**
 * Everything a decision could change, to prove a refused request changed
 * nothing. Only the approval's own audit rows: an approved action's hand-off
 * is consumed from the queue at once and audits itself (execution.*) meanwhile.
 */
async function snapshot(approvalId: string) {
  const approval = await store().get(approvalId);
  const audit = (await store().auditTrail(approvalId)).filter((a) => a.action.startsWith("approval.")).length;
  return { status: approval?.status, signatures: approval?.signatures.length, audit };
}

describe("GET on an approval link", () => {
  it("renders the confirm page with the verdict and changes nothing", async () => {
    const approval = await seedPendingApproval(db);
    const before = await snapshot(approval.id);
    const response = await request(await linkFor(approval.id, "alice"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    const page = await response.text();
    expect(page).toContain('id="status">PENDING');
    expect(page).toContain(approval.action.command);
    expect(page).toContain('name="decision" value="approve"');
    expect(page).toContain('method="post"');
    expect(await snapshot(approval.id)).toEqual(before);
  });

  it("shows exactly what will run: argv, digest, the verdict's text as a note only, and the decision bound to the digest", async () => {
    const approval = await seedPendingApproval(db, "medium", 1, {
      action: { operation: "DELETE_POD", command: "kubectl delete namespace production", description: "replace the pod" },
    });
    const page = await (await request(await linkFor(approval.id, "alice"))).text();
    expect(page).toContain('id="action-command">kubectl delete pod api-server-7d4b8c9f5-xk2m3 -n production --wait=false');
    expect(page).toContain(`id="action-digest">${approval.action.digest}`);
    expect(page).toContain("a note, never run");
    expect(page).toContain(`name="action_digest" value="${approval.action.digest}"`);
  });

  it.each([
    ["a tampered signature", async (id: string) => (await linkFor(id, "alice")).replace(/sig=.{4}/, "sig=AAAA")],
    ["another approver's name on alice's signature", async (id: string) => (await linkFor(id, "alice")).replace("approver=alice", "approver=bob")],
    ["a key we never issued", async (id: string) => linkFor(id, "alice", { key: "some-other-key-0123456789abcdef0123" })],
    ["an expired link", async (id: string) => linkFor(id, "alice", { expiresAt: Math.floor(Date.now() / 1000) - 1 })],
    ["an approver not on the roster", async (id: string) => linkFor(id, "mallory")],
    ["a link without its signature", async (id: string) => (await linkFor(id, "alice")).replace(/&sig=.*/, "")],
  ])("answers 403 for %s", async (_case, make) => {
    const approval = await seedPendingApproval(db);
    const response = await request(await make(approval.id));
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("<form");
  });

  it("shows what past repairs of the alert taught once the record is long enough (5 of 5), and nothing before", async () => {
    const fingerprint = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const first = await seedPendingApproval(db, "high", 2, { fingerprint });
    expect(await (await request(await linkFor(first.id, "alice"))).text()).not.toContain('id="learned"');
    const learning = createUpstashLearningStats(redisForTests());
    for (let i = 0; i < 5; i++) {
      await learning.record({ executionId: crypto.randomUUID(), fingerprint, operation: "RESTART_DEPLOYMENT", success: true, durationMs: 800 });
    }
    const next = await seedPendingApproval(db, "high", 2, { fingerprint });
    expect(await (await request(await linkFor(next.id, "alice"))).text()).toContain('id="learned">RESTART_DEPLOYMENT worked 5 of 5 times for this alert');
  });

  it("accepts links signed with the previous key during rotation", async () => {
    const approval = await seedPendingApproval(db);
    const response = await request(await linkFor(approval.id, "bob", { key: testEnv.LINK_SIGNING_KEY_PREVIOUS }));
    expect(response.status).toBe(200);
  });

  it("escapes alert text in the page", async () => {
    const approval = await seedPendingApproval(db);
    const page = await (await request(await linkFor(approval.id, "alice"))).text();
    expect(page).not.toContain("<script>");
  });
});

describe("POST a decision", () => {
  it("refuses a signature for another action than the page showed, recording nothing", async () => {
    const approval = await seedPendingApproval(db, "medium", 1);
    const before = await snapshot(approval.id);
    const response = await decide(await linkFor(approval.id, "alice"), "approve", { action_digest: "e".repeat(64) });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("not the one this approval holds");
    expect(await snapshot(approval.id)).toEqual(before);
  });

  it("stores the digest each approver signed", async () => {
    const approval = await seedPendingApproval(db, "medium", 1);
    expect((await decide(await linkFor(approval.id, "alice"), "approve")).status).toBe(200);
    expect((await store().get(approval.id))?.signatures).toEqual([expect.objectContaining({ approver: "alice", actionDigest: approval.action.digest })]);
  });

  it("needs both approvers for a high-risk approval, then approves it with two signatures and audit rows", async () => {
    const approval = await seedPendingApproval(db, "high", 2);
    const first = await decide(await linkFor(approval.id, "alice"), "approve", { comment: "looks right" });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Waiting for more signatures");
    expect((await store().get(approval.id))?.status).toBe("PENDING");

    const second = await decide(await linkFor(approval.id, "bob"), "approve");
    expect(second.status).toBe(200);
    expect(await second.text()).toContain("now APPROVED");

    const decided = await store().get(approval.id);
    expect(decided).toMatchObject({ status: "APPROVED" });
    expect(decided?.decidedAt).toBeInstanceOf(Date);
    expect(decided?.signatures.map((s) => [s.approver, s.decision, s.comment])).toEqual([
      ["alice", "approve", "looks right"],
      ["bob", "approve", undefined],
    ]);
    // The hand-off that follows (execution.* rows) is consumed from the queue at once and may already be audited.
    const trail = (await store().auditTrail(approval.id)).filter((a) => a.action.startsWith("approval."));
    expect(trail.map((a) => `${a.actor}:${a.action}`)).toEqual([
      "classify:approval.requested",
      "alice:approval.signed",
      "bob:approval.signed",
      "approve:approval.approved",
    ]);
  });

  it("shows the current state to an approver who signs twice, storing one signature", async () => {
    const approval = await seedPendingApproval(db);
    const link = await linkFor(approval.id, "alice");
    await decide(link, "approve");
    const again = await decide(link, "reject");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("already signed");
    expect((await store().get(approval.id))?.signatures).toHaveLength(1);
  });

  it("treats any reject as a veto", async () => {
    const approval = await seedPendingApproval(db);
    await decide(await linkFor(approval.id, "alice"), "approve");
    await decide(await linkFor(approval.id, "bob"), "reject");
    expect((await store().get(approval.id))?.status).toBe("REJECTED");
  });

  it("answers 409 to a decision on a closed approval and records nothing", async () => {
    const approval = await seedPendingApproval(db, "medium", 1);
    await decide(await linkFor(approval.id, "alice"), "approve");
    const before = await snapshot(approval.id);
    const late = await decide(await linkFor(approval.id, "bob"), "approve");
    expect(late.status).toBe(409);
    expect(await snapshot(approval.id)).toEqual(before);
  });

  it.each([
    ["forged", async (id: string) => (await linkFor(id, "alice")).replace(/sig=.{4}/, "sig=AAAA"), 403],
    ["expired", async (id: string) => linkFor(id, "alice", { expiresAt: Math.floor(Date.now() / 1000) - 60 }), 403],
  ])("refuses a %s link with %d and changes nothing", async (_case, make, status) => {
    const approval = await seedPendingApproval(db);
    const before = await snapshot(approval.id);
    expect((await decide(await make(approval.id), "approve")).status).toBe(status);
    expect(await snapshot(approval.id)).toEqual(before);
  });

  it("answers 400 for a missing decision and 415 for a JSON body", async () => {
    const approval = await seedPendingApproval(db);
    const link = new URL(await linkFor(approval.id, "alice"));
    const noDecision = await request(`${link.origin}${link.pathname}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: link.searchParams.toString(),
    });
    expect(noDecision.status).toBe(400);
    const json = await request(`${link.origin}${link.pathname}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
    expect((await snapshot(approval.id)).signatures).toBe(0);
  });

  it("records exactly two signatures and one status change when both approvers POST at the same instant", async () => {
    const approval = await seedPendingApproval(db, "high", 2);
    const [a, b] = await Promise.all([decide(await linkFor(approval.id, "alice"), "approve"), decide(await linkFor(approval.id, "bob"), "approve")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const decided = await store().get(approval.id);
    expect(decided?.status).toBe("APPROVED");
    expect(decided?.signatures).toHaveLength(2);
    expect((await store().auditTrail(approval.id)).filter((e) => e.action === "approval.approved")).toHaveLength(1);
  });
});
