import { describe, expect, it } from "vitest";
import { testEnv } from "../../support/worker/env.ts";
import { request } from "./support.ts";

const get = (path: string, vars: Record<string, unknown> = {}) => request(`https://awoooi.test${path}`, {}, { ...testEnv, ...vars });

describe("approve's liveness and readiness", () => {
  it("GET /health is liveness only, with version and commit", async () => {
    const response = await get("/health", { GIT_COMMIT: "abc1234" });
    expect(await response.json()).toEqual({ service: "approve", ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$/), commit: "abc1234" });
  });

  it("GET /ready checks the configuration, Redis, Postgres and the queues it produces to", async () => {
    const response = await get("/ready");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      service: "approve",
      ok: true,
      commit: "dev",
      checks: { configuration: "ok", redis: "ok", postgres: "ok", "queue NOTIFY_QUEUE": "ok", "queue EXECUTE_QUEUE": "ok", "queue DEAD_LETTER_QUEUE": "ok" },
    });
  });

  it("answers 503 naming Postgres when it cannot be reached", async () => {
    const response = await get("/ready", { NEON_WS_PROXY: "127.0.0.1:9/v1" });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      ok: false,
      failed: "postgres",
      error: { code: "unavailable", message: expect.stringContaining("postgres") },
      checks: { redis: "ok" },
    });
  });

  it("answers 503 naming Redis when it cannot be reached", async () => {
    const response = await get("/ready", { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, failed: "redis", checks: { postgres: "ok" } });
  });

  it("names a missing queue binding", async () => {
    const response = await get("/ready", { EXECUTE_QUEUE: undefined });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      failed: "queue EXECUTE_QUEUE",
      error: { message: expect.stringContaining("EXECUTE_QUEUE producer binding is missing") },
    });
  });

  it("with a bad setting: /ready names it, and every other route answers 503 misconfigured naming it — never an opaque 500", async () => {
    const bad = { OPS_TOKEN: "short" };
    const ready = await get("/ready", bad);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ok: false,
      failed: "configuration",
      error: { code: "misconfigured", message: expect.stringMatching(/^approve: invalid configuration — OPS_TOKEN: /) },
    });
    for (const path of ["/api/v1/incidents", "/approve/00000000-0000-0000-0000-000000000000", "/metrics"]) {
      const response = await get(path, bad);
      expect(response.status, path).toBe(503);
      expect(await response.json(), path).toMatchObject({
        error: { code: "misconfigured", message: expect.stringContaining("OPS_TOKEN"), requestId: expect.any(String) },
      });
    }
  });

  it.each([
    ["not JSON", "gemini=0.3"],
    ["an unknown provider", '{"openai":{"input_per_mtok":1,"output_per_mtok":2}}'],
    ["a negative price", '{"gemini":{"input_per_mtok":-1,"output_per_mtok":2}}'],
  ])("names LLM_PRICES when it is %s", async (_what, value) => {
    const ready = await get("/ready", { LLM_PRICES: value });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ failed: "configuration", error: { message: expect.stringContaining("LLM_PRICES: ") } });
  });
});
