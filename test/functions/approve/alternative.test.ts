// The playbook's action as a choice: an approver who approves the alternative
// (by its digest) makes it the approval's action — audited, signed for exactly
// that action, and what runs once approved. Never after someone approved the
// proposed action: a signature is never moved to another action.
import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { dbForTests } from "../../support/worker/env.ts";
import { decide, linkFor, ops, request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const restart = { operation: "RESTART_DEPLOYMENT" as const, command: "kubectl rollout restart deployment/api -n production", description: "restart" };
const deletePod = { operation: "DELETE_POD" as const, command: "kubectl delete pod api -n production", description: "the playbook" };

describe("choosing the playbook's alternative", () => {
  it("makes it the approval's action for every later signer, and runs it once approved", async () => {
    const approval = await seedPendingApproval(db, "high", 2, { action: restart, alternative: deletePod });
    const alternativeDigest = approval.alternative!.action.digest!;
    const aliceLink = await linkFor(approval.id, "alice");
    const page = await (await request(aliceLink)).text();
    expect(page).toContain('id="alternative"');
    expect(page).toContain("Approve DELETE_POD instead, as alice");

    const chose = await decide(aliceLink, "approve", { action_digest: alternativeDigest });
    expect(chose.status).toBe(200);
    const switched = await createApprovalStore(db).get(approval.id);
    expect(switched).toMatchObject({ status: "PENDING", action: { operation: "DELETE_POD", digest: alternativeDigest } });
    expect(switched?.alternative).toMatchObject({ source: "verdict", action: { operation: "RESTART_DEPLOYMENT", digest: approval.action.digest } });
    expect(switched?.signatures).toEqual([expect.objectContaining({ approver: "alice", decision: "approve", actionDigest: alternativeDigest })]);
    const audit = await createApprovalStore(db).auditTrail(approval.id);
    expect(audit.map((a) => a.action)).toEqual(["approval.requested", "approval.action_switched", "approval.signed"]);
    expect(audit[1]).toMatchObject({
      actor: "alice",
      details: { from: { operation: "RESTART_DEPLOYMENT" }, to: { operation: "DELETE_POD", source: "playbook" } },
    });

    // bob's page now shows the playbook's action, and no alternative (one approval is on it).
    const bobLink = await linkFor(approval.id, "bob");
    const bobPage = await (await request(bobLink)).text();
    expect(bobPage).toContain(`id="action-digest">${alternativeDigest}`);
    expect(bobPage).not.toContain('id="alternative"');
    expect((await decide(bobLink, "approve")).status).toBe(200);
    const detail = (await (await ops(`/api/v1/approvals/${approval.id}`)).json()) as any;
    expect(detail).toMatchObject({ status: "APPROVED", action: { operation: "DELETE_POD" }, execution: { operation: "DELETE_POD" } });
    expect(detail.execution.argv).toEqual(switched?.action.argv);
  });

  it("refuses the alternative once someone approved the proposed action, and changes nothing", async () => {
    const approval = await seedPendingApproval(db, "high", 2, { action: restart, alternative: deletePod });
    expect((await decide(await linkFor(approval.id, "bob"), "approve")).status).toBe(200);
    const aliceLink = await linkFor(approval.id, "alice");
    expect(await (await request(aliceLink)).text()).not.toContain('id="alternative"');

    const late = await decide(aliceLink, "approve", { action_digest: approval.alternative!.action.digest! });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("the alternative can no longer be chosen");
    const after = await createApprovalStore(db).get(approval.id);
    expect(after).toMatchObject({ status: "PENDING", action: { operation: "RESTART_DEPLOYMENT", digest: approval.action.digest } });
    expect(after?.signatures.map((s) => s.approver)).toEqual(["bob"]);
    expect((await createApprovalStore(db).auditTrail(approval.id)).map((a) => a.action)).not.toContain("approval.action_switched");
  });

  it("does not let a rejection name the alternative's digest", async () => {
    const approval = await seedPendingApproval(db, "high", 2, { action: restart, alternative: deletePod });
    const response = await decide(await linkFor(approval.id, "alice"), "reject", { action_digest: approval.alternative!.action.digest! });
    expect(response.status).toBe(409);
    expect(await createApprovalStore(db).get(approval.id)).toMatchObject({ status: "PENDING", signatures: [], action: { operation: "RESTART_DEPLOYMENT" } });
  });

  it("shows the alternative in the ops API", async () => {
    const approval = await seedPendingApproval(db, "high", 2, { action: restart, alternative: deletePod });
    const detail = (await (await ops(`/api/v1/approvals/${approval.id}`)).json()) as any;
    expect(detail.alternative).toMatchObject({ source: "playbook", action: { operation: "DELETE_POD", digest: approval.alternative!.action.digest } });
  });
});
