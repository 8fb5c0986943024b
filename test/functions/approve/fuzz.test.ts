// Property tests over every approve route with generated hostile input:
// never a 5xx, every JSON refusal in the documented error shape, and no
// forged, altered, expired or replayed link ever changes an approval.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { signedHeaders } from "../../../shared/http/signatures.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import {
  FUZZ_CONCURRENCY,
  FUZZ_RUNS,
  FUZZ_TIMEOUT,
  fuzzConcurrently,
  headerSafe,
  hostileQuery,
  hostileSegment,
  hostileString,
  hostileVariantsOf,
  isErrorShape,
} from "../../support/fuzz.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { linkFor, pooledRequester, seedPendingApproval, withExecutor } from "./support.ts";

const db = dbForTests();
const pool = dbForTests(FUZZ_CONCURRENCY);
afterAll(() => Promise.all([db.destroy(), pool.destroy()]));
const request = pooledRequester(pool);

const BASE = "https://awoooi.test";
const OPS = { Authorization: `Bearer ${testEnv.OPS_TOKEN}` };
const TIMEOUT = FUZZ_TIMEOUT;

async function expectSafe(response: Response, what: string): Promise<void> {
  expect(response.status, what).toBeLessThan(500);
  const type = response.headers.get("Content-Type") ?? "";
  if (response.status >= 400 && type.includes("application/json")) expect(isErrorShape(await response.json()), what).toBe(true);
  else await response.body?.cancel();
}

const OPS_GETS = [
  "/api/v1/incidents",
  "/api/v1/approvals",
  "/api/v1/dead-letters",
  "/api/v1/stats/overview",
  "/api/v1/stats/autonomy",
  "/api/v1/stats/mttr",
  "/api/v1/stats/slo",
  "/api/v1/stats/volume",
];
const OPS_BY_ID = ["/api/v1/incidents/", "/api/v1/approvals/", "/api/v1/learning/summary/", "/api/v1/learning/recommendation/", "/api/v1/smoke/"];

describe(`fuzzing approve's routes (${FUZZ_RUNS} cases each)`, () => {
  it.each(OPS_GETS)(
    "GET %s with hostile query strings",
    async (path) => {
      await fuzzConcurrently(hostileQuery, async (query) => expectSafe(await request(`${BASE}${path}?${query}`, { headers: OPS }), `${path}?${query}`));
    },
    TIMEOUT,
  );

  it.each(OPS_BY_ID)(
    "GET %s<hostile id>",
    async (prefix) => {
      await fuzzConcurrently(hostileSegment, async (segment) =>
        expectSafe(await request(`${BASE}${prefix}${segment}`, { headers: OPS }), `${prefix}${segment}`),
      );
    },
    TIMEOUT,
  );

  it(
    "every route with hostile Authorization headers",
    async () => {
      const paths = ["/metrics", "/status", "/openapi.json", "/docs", "/api/v1/incidents", "/api/v1/stats/overview"];
      const env = { ...testEnv, METRICS_TOKEN: "metrics-token-123" };
      const auth = fc
        .oneof(
          hostileString,
          hostileString.map((s) => `Bearer ${s}`),
          hostileString.map((s) => `Basic ${s}`),
        )
        .filter(headerSafe);
      await fuzzConcurrently(fc.tuple(fc.constantFrom(...paths), auth), async ([path, authorization]) =>
        expectSafe(await request(`${BASE}${path}`, { headers: { Authorization: authorization } }, env), `${path} ${authorization}`),
      );
    },
    TIMEOUT,
  );

  it(
    "GET and POST /approve/<id> and /result with hostile ids, queries, forms and content types",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          hostileSegment,
          hostileQuery,
          fc.constantFrom("GET", "POST", "POST /result"),
          fc.constantFrom("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", "text/plain", ""),
          async (id, query, method, type) => {
            const url = `${BASE}/approve/${id}${method === "POST /result" ? "/result" : ""}?${query}`;
            const init: RequestInit = method === "GET" ? {} : { method: "POST", headers: type ? { "Content-Type": type } : {}, body: query };
            await expectSafe(await request(url, init), `${method} ${url} ${type}`);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "POST /api/v1/executions/<id>/result with hostile bodies, signed and unsigned",
    async () => {
      const { env } = withExecutor();
      const valid = () => ({ status: "succeeded", duration_ms: 10, output_excerpt: "ok" });
      await fc.assert(
        fc.asyncProperty(hostileSegment, hostileVariantsOf(valid), fc.boolean(), async (id, body, sign) => {
          const text = JSON.stringify(body) ?? "null";
          const headers: Record<string, string> = { "Content-Type": "application/json" };
          if (sign) Object.assign(headers, await signedHeaders(testEnv.TEST_EXECUTOR_SECRET!, text, Math.floor(Date.now() / 1000)));
          await expectSafe(await request(`${BASE}/api/v1/executions/${id}/result`, { method: "POST", headers, body: text }, env), `${id} ${text}`);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    TIMEOUT,
  );
});

describe(`signed-link attacks (${FUZZ_RUNS} cases)`, () => {
  let approval: ApprovalRecord;
  let other: ApprovalRecord;
  beforeAll(async () => {
    approval = await seedPendingApproval(db, "high", 2);
    other = await seedPendingApproval(db, "high", 2);
  });

  const snapshot = async (id: string) => {
    const record = await createApprovalStore(db).get(id);
    return { status: record?.status, signatures: record?.signatures.length, audit: (await createApprovalStore(db).auditTrail(id)).length };
  };

  it(
    "tampered, expired, replayed, wrong-approver and cross-approval links change nothing",
    async () => {
      const before = await snapshot(approval.id);
      const valid = new URL(await linkFor(approval.id, "alice"));
      const expired = new URL(await linkFor(approval.id, "alice", { expiresAt: Math.floor(Date.now() / 1000) - 10 }));
      const attack = fc.oneof(
        // one character of the signature changed
        fc.tuple(fc.nat(), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")).map(([i, ch]) => {
          const sig = valid.searchParams.get("sig")!;
          const at = i % sig.length;
          return {
            path: valid.pathname,
            params: { approver: "alice", expires: valid.searchParams.get("expires")!, sig: sig.slice(0, at) + ch + sig.slice(at + 1) },
          };
        }),
        // another approver's name, or a stranger's, on alice's signature
        hostileString.map((who) => ({
          path: valid.pathname,
          params: { approver: who || "bob", expires: valid.searchParams.get("expires")!, sig: valid.searchParams.get("sig")! },
        })),
        // a later expiry on an honest signature
        fc
          .integer({ min: 1, max: 4_000_000_000 })
          .map((e) => ({ path: valid.pathname, params: { approver: "alice", expires: String(e), sig: valid.searchParams.get("sig")! } })),
        // an expired link, signed honestly
        fc.constant({ path: expired.pathname, params: Object.fromEntries(expired.searchParams) }),
        // alice's valid signature replayed against another approval
        fc.constant({ path: `/approve/${other.id}`, params: Object.fromEntries(valid.searchParams) }),
        // random garbage
        fc.record({ approver: hostileString, expires: hostileString, sig: hostileString }).map((params) => ({ path: valid.pathname, params })),
      );
      await fc.assert(
        fc.asyncProperty(attack, fc.constantFrom("approve", "reject"), fc.boolean(), async ({ path, params }, decision, result) => {
          if (
            path === valid.pathname &&
            params.sig === valid.searchParams.get("sig") &&
            params.approver === "alice" &&
            params.expires === valid.searchParams.get("expires")
          )
            return;
          const form = new URLSearchParams({ ...params, ...(result ? { outcome: "succeeded" } : { decision }) });
          const response = await request(`${BASE}${path}${result ? "/result" : ""}`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: form.toString(),
          });
          expect(response.status, `${path} ${form}`).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          await response.body?.cancel();
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(await snapshot(approval.id)).toEqual(before);
      expect((await snapshot(other.id)).signatures).toBe(0);
    },
    TIMEOUT,
  );
});
