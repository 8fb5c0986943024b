import { describe, expect, it } from "vitest";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashTrustCounters, trustKeys } from "../../../shared/adapters/upstash-trust-counters.ts";
import { UNKNOWN_COUNTERS } from "../../../shared/ports/trust-counters.ts";
import { redisForTests, testEnv } from "../../support/worker/env.ts";

const fingerprint = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

describe("trust counters in Redis", () => {
  it("reads the failure streak and the learned outcomes of an action, in one round trip", async () => {
    const redis = redisForTests();
    const fp = fingerprint();
    await redis.set(trustKeys.failStreak(fp), "2");
    await redis.hset(trustKeys.learned(fp, "DELETE_POD"), { successes: "4", samples: "6" });
    const counters = await createUpstashTrustCounters(redis).read(fp, "DELETE_POD", Date.now());
    expect(counters).toMatchObject({ consecutiveFailures: 2, learned: { successes: 4, samples: 6 } });
    expect(counters.repairsLastHour).toBeGreaterThanOrEqual(0);
  });

  it("counts repairs over a sliding hour from two hourly buckets", async () => {
    const redis = redisForTests();
    // A fixed point in time far from the present, so no other test writes these buckets.
    const now = Date.UTC(2031, 0, 1, 10, 15);
    const hour = Math.floor(now / 3_600_000);
    await redis.set(trustKeys.repairs(hour), "2");
    await redis.set(trustKeys.repairs(hour - 1), "4");
    expect((await createUpstashTrustCounters(redis).read(fingerprint(), "DELETE_POD", now)).repairsLastHour).toBe(2 + 3);
  });

  it("never lets concurrent consumers take more automatic repairs than the hourly budget", async () => {
    const redis = redisForTests();
    const counters = createUpstashTrustCounters(redis);
    // A far-off hour of its own: no other test touches these buckets.
    const now = Date.UTC(2032, 5, 1, 8, 30);
    const taken = await Promise.all(Array.from({ length: 20 }, () => counters.reserveAutomaticRepair(crypto.randomUUID(), now, 5)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect((await counters.read(fingerprint(), "DELETE_POD", now)).repairsLastHour).toBe(5);
  });

  it("keeps one reservation per incident across redeliveries", async () => {
    const counters = createUpstashTrustCounters(redisForTests());
    const now = Date.UTC(2033, 2, 1, 12, 0);
    const incident = crypto.randomUUID();
    expect(await counters.reserveAutomaticRepair(incident, now, 1)).toBe(true);
    expect(await counters.reserveAutomaticRepair(incident, now, 1)).toBe(true);
    expect(await counters.reserveAutomaticRepair(crypto.randomUUID(), now, 1)).toBe(false);
    expect((await counters.read(fingerprint(), "DELETE_POD", now)).repairsLastHour).toBe(1);
  });

  it("takes nothing when Redis cannot be reached", async () => {
    const dead = createRedis({ url: "http://127.0.0.1:9", token: testEnv.UPSTASH_REDIS_REST_TOKEN! });
    expect(await createUpstashTrustCounters(dead).reserveAutomaticRepair(crypto.randomUUID(), Date.now(), 5)).toBe(false);
  });

  it("blocks automation when Redis cannot be read", async () => {
    const dead = createRedis({ url: "http://127.0.0.1:9", token: testEnv.UPSTASH_REDIS_REST_TOKEN! });
    expect(await createUpstashTrustCounters(dead).read(fingerprint(), "DELETE_POD", Date.now())).toEqual(UNKNOWN_COUNTERS);
  });
});
