import { afterAll, describe, expect, it } from "vitest";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const page = (headers: Record<string, string> = {}, env?: Record<string, unknown>) => request("https://awoooi.test/status", { headers }, env);

describe("GET /status", () => {
  it("asks a browser for the ops token (Basic) and refuses without it", async () => {
    const response = await page();
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain("Basic");
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect((await page({ Authorization: `Basic ${btoa("ops:wrong-token-123")}` })).status).toBe(401);
  });

  it("renders the autonomy index, pending decisions and four SVG charts for the ops token, bearer or Basic", async () => {
    const approval = await seedPendingApproval(db, "high", 2, { priority: "P0" });
    for (const headers of [{ Authorization: `Bearer ${testEnv.OPS_TOKEN}` }, { Authorization: `Basic ${btoa(`ops:${testEnv.OPS_TOKEN}`)}` }]) {
      const response = await page(headers);
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(body).toContain('id="autonomy-index"');
      expect(body.match(/<svg class="chart"/g)).toHaveLength(4);
      expect(body).toContain("Alerts per day");
      expect(body).toContain("MTTR per day");
      expect(body).not.toContain("<script");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    }
    const body = await (await page({ Authorization: `Bearer ${testEnv.OPS_TOKEN}` })).text();
    expect(body).toContain(`href="/api/v1/approvals/${approval.id}"`);
    expect(body).toMatch(/id="llm-usage">Models: \d+ calls \(\d+ failed\), [\d,]+ tokens, about \$\d+\.\d\d/);
  });

  it("refuses an invalid Cloudflare Access assertion without falling back to anything else", async () => {
    const env = { ...testEnv, CF_ACCESS_TEAM_DOMAIN: "http://127.0.0.1:9", CF_ACCESS_AUD: "aud-tag" };
    const response = await page({ "Cf-Access-Jwt-Assertion": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", Authorization: `Bearer ${testEnv.OPS_TOKEN}` }, env);
    expect(response.status).toBe(401);
  });
});
