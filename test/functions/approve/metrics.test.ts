import { afterAll, describe, expect, it } from "vitest";
import { createUpstashMetrics, METRICS_KEY } from "../../../shared/adapters/upstash-metrics.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
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

  it("adds stored bins up into cumulative buckets, every catalog bucket shown, older cumulative buckets still counted", async () => {
    const redis = redisForTests();
    const binned = `bins-${crypto.randomUUID().slice(0, 8)}`;
    const legacy = `cumulative-${crypto.randomUUID().slice(0, 8)}`;
    const field = (part: string, provider: string, le?: string) =>
      `awoooi_ollama_analysis_duration_seconds_${part}{${le ? `le="${le}",` : ""}provider="${provider}"}`;
    // Four observations stored as bins: two ≤ 1 s, one in (2, 5], one past the largest bucket.
    await redis.hset(METRICS_KEY, {
      [field("bin", binned, "1")]: 2,
      [field("bin", binned, "5")]: 1,
      [field("bin", binned, "+Inf")]: 1,
      [field("sum", binned)]: 200,
      [field("count", binned)]: 4,
      // Two observations stored the way older versions did: cumulatively, each bucket at or above the value.
      [field("bucket", legacy, "1")]: 1,
      [field("bucket", legacy, "2")]: 2,
      [field("bucket", legacy, "5")]: 2,
      [field("bucket", legacy, "+Inf")]: 2,
      [field("sum", legacy)]: 2.5,
      [field("count", legacy)]: 2,
    });
    const text = await (await request("https://awoooi.test/metrics")).text();
    const bucket = (provider: string, le: string) => {
      const line = text
        .split("\n")
        .find((l) => l.startsWith("awoooi_ollama_analysis_duration_seconds_bucket{") && l.includes(`le="${le}"`) && l.includes(`provider="${provider}"`));
      return Number(line?.split(" ").at(-1));
    };
    expect(["0.5", "1", "2", "5", "10", "120", "+Inf"].map((le) => bucket(binned, le))).toEqual([0, 2, 2, 3, 3, 3, 4]);
    expect(["0.5", "1", "2", "5", "10", "+Inf"].map((le) => bucket(legacy, le))).toEqual([0, 1, 2, 2, 2, 2]);
    expect(text).toContain(`awoooi_ollama_analysis_duration_seconds_count{provider="${binned}"} 4`);
    expect(text).not.toContain("_bin");
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

describe("metrics recorded by a batch or request", () => {
  const field = (provider: string) => `awoooi_ollama_fallback_total{provider="${provider}",reason="timeout"}`;

  it("are held until flush, then written summed, once per field", async () => {
    const provider = `flush-${crypto.randomUUID().slice(0, 8)}`;
    const metrics = createUpstashMetrics(redisForTests());
    for (let i = 0; i < 10; i++) {
      await metrics.increment("awoooi_ollama_fallback_total", { provider, reason: "timeout" });
      await metrics.observe("awoooi_ollama_analysis_duration_seconds", 0.7, { provider });
    }
    expect(await redisForTests().hget(METRICS_KEY, field(provider))).toBeNull();
    await metrics.flush();
    const stored = await redisForTests().hmget<Record<string, string>>(
      METRICS_KEY,
      field(provider),
      `awoooi_ollama_analysis_duration_seconds_bin{le="1",provider="${provider}"}`,
      `awoooi_ollama_analysis_duration_seconds_count{provider="${provider}"}`,
    );
    expect(Object.values(stored ?? {}).map(Number)).toEqual([10, 10, 10]);
    // A second flush has nothing left to write.
    await metrics.flush();
    expect(Number(await redisForTests().hget(METRICS_KEY, field(provider)))).toBe(10);
  });

  it("that Redis refuses are logged, not thrown, and nothing half-written", async () => {
    const provider = `refused-${crypto.randomUUID().slice(0, 8)}`;
    const logged: unknown[] = [];
    const refusing = createRedis({ url: testEnv.UPSTASH_REDIS_REST_URL!, token: "not-the-token" });
    const metrics = createUpstashMetrics(refusing, (error) => logged.push(error));
    await metrics.increment("awoooi_ollama_fallback_total", { provider, reason: "timeout" });
    await expect(metrics.flush()).resolves.toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(await redisForTests().hget(METRICS_KEY, field(provider))).toBeNull();
  });
});
