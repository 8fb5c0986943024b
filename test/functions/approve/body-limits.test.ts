// Bodies over a documented cap are refused with 413 before they are read whole
// (shared/http/body-limit.ts), and nothing changes.
import { afterAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { BODY_LIMITS } from "../../../shared/http/body-limit.ts";
import { dbForTests } from "../../support/worker/env.ts";
import { linkFor, request, seedPendingApproval, withExecutor } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

/** A body whose Content-Length alone is over the cap: it must be refused from the header, never read. */
const claimed = (bytes: number, type: string) => ({ "Content-Type": type, "Content-Length": String(bytes) });

describe("body caps on approve", () => {
  it("refuses a decision form over 16 KiB with 413 and records no signature", async () => {
    const approval = await seedPendingApproval(db, "high", 2);
    const url = new URL(await linkFor(approval.id, "alice"));
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision: "approve", comment: "x".repeat(BODY_LIMITS.approvalForm) });
    const response = await request(`${url.origin}${url.pathname}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large", message: expect.stringContaining(String(BODY_LIMITS.approvalForm)) } });
    expect((await createApprovalStore(db).get(approval.id))?.signatures).toEqual([]);
  });

  it("refuses a 'mark done' form over the cap from its Content-Length", async () => {
    const response = await request("https://awoooi.test/approve/00000000-0000-0000-0000-000000000000/result", {
      method: "POST",
      headers: claimed(BODY_LIMITS.approvalForm + 1, "application/x-www-form-urlencoded"),
      body: "outcome=succeeded",
    });
    expect(response.status).toBe(413);
  });

  it("refuses an executor result over 64 KiB before checking its signature", async () => {
    const { env } = withExecutor();
    const response = await request(
      `https://awoooi.test/api/v1/executions/${crypto.randomUUID()}/result`,
      { method: "POST", headers: claimed(BODY_LIMITS.executionResult + 1, "application/json"), body: "{}" },
      env,
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });
});
