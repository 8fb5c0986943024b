import { afterAll, describe, expect, it } from "vitest";
import { METRICS_KEY } from "../../../shared/adapters/upstash-metrics.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { request } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

describe("GET /metrics", () => {
  it("exposes the stored samples in Prometheus text format, histograms with cumulative buckets", async () => {
    const redis = redisForTests();
    await redis.hincrbyfloat(METRICS_KEY, 'awoooi_notifications_total{channel="test-only",outcome="sent"}', 3);
    const response = await request("https://awoooi.test/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/plain; version=0.0.4");
    const text = await response.text();
    expect(text).toContain("# TYPE awoooi_notifications_total counter");
    expect(text).toMatch(/awoooi_notifications_total\{channel="test-only",outcome="sent"\} \d+/);
    expect(text).toContain("# TYPE awoooi_webhook_latency_seconds histogram");
  });

  it("refuses to serve without METRICS_TOKEN unless made public on purpose, naming the variable", async () => {
    const closed = { ...testEnv, METRICS_PUBLIC: undefined, METRICS_TOKEN: undefined };
    const response = await request("https://awoooi.test/metrics", {}, closed);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "misconfigured", message: expect.stringContaining("METRICS_TOKEN: is required") } });
  });

  it("asks for METRICS_TOKEN when one is set", async () => {
    const env = { ...testEnv, METRICS_TOKEN: "scrape-token-123" };
    expect((await request("https://awoooi.test/metrics", {}, env)).status).toBe(401);
    expect((await request("https://awoooi.test/metrics", { headers: { Authorization: "Bearer scrape-token-123" } }, env)).status).toBe(200);
    expect((await request("https://awoooi.test/metrics", { headers: { Authorization: `Basic ${btoa("prometheus:scrape-token-123")}` } }, env)).status).toBe(
      200,
    );
  });
});
