import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackingServices, startBackingServices } from "../../infra/local/backing-services.ts";
import { type RedisRestServer, startRedisRestServer } from "../../infra/local/redis-rest-server.ts";

// A second REST endpoint on the same real Redis, so this file can count and reset freely.
let services: BackingServices;
let server: RedisRestServer;
let redis: Redis;
const TOKEN = "rest-test-token";

beforeAll(async () => {
  // Its own Redis database: the test run's shared one (db 2) must not be flushed under other projects.
  services = await startBackingServices({ purpose: "test", redisDb: 3 });
  server = await startRedisRestServer({ redisUrl: services.redis.redisUrl, token: TOKEN, db: 3 });
  redis = new Redis({ url: server.url, token: TOKEN, enableTelemetry: false, automaticDeserialization: false });
});
afterAll(async () => {
  await server?.close();
  await services?.stop();
});

const key = (name: string) => `rest-test:${crypto.randomUUID()}:${name}`;

describe("Upstash-REST endpoint, through the real @upstash/redis client", () => {
  it("round-trips strings that would be mangled without base64 encoding", async () => {
    const k = key("s");
    for (const value of ["abcd", "test", "OK", "ünïcödé ✓", '{"json":true}', ""]) {
      await redis.set(k, value);
      expect(await redis.get(k)).toBe(value);
    }
  });

  it("answers integers as numbers and missing keys as null", async () => {
    const k = key("n");
    expect(await redis.incr(k)).toBe(1);
    expect(await redis.incrby(k, 41)).toBe(42);
    expect(await redis.get(key("missing"))).toBeNull();
  });

  it("returns hashes as Redis's flat field/value array, which the client turns into an object", async () => {
    const k = key("h");
    await redis.hset(k, { a: "1", b: "two" });
    expect(await redis.hgetall(k)).toEqual(["a", "1", "b", "two"]);
    const deserializing = new Redis({ url: server.url, token: TOKEN, enableTelemetry: false });
    expect(await deserializing.hgetall(k)).toEqual({ a: 1, b: "two" });
  });

  it("runs pipelines (auto-pipelined commands) and multi-exec transactions", async () => {
    const k = key("p");
    const [a, b] = await Promise.all([redis.set(k, "v"), redis.get(k)]);
    expect(a).toBe("OK");
    expect([null, "v"]).toContain(b);
    const tx = redis.multi();
    tx.set(k, "x");
    tx.incr(key("c"));
    tx.get(k);
    expect(await tx.exec()).toEqual(["OK", 1, "x"]);
  });

  it("runs Lua scripts with EVALSHA falling back to EVAL", async () => {
    const script = redis.createScript<[string, number]>("return { ARGV[1], tonumber(ARGV[2]) + 1 }");
    expect(await script.exec([], ["hello", "41"])).toEqual(["hello", 42]);
    expect(await script.exec([], ["again", "1"])).toEqual(["again", 2]);
  });

  it("reports a command error with Redis's message", async () => {
    const k = key("wrongtype");
    await redis.set(k, "text");
    await expect(redis.incr(k)).rejects.toThrow(/not an integer/);
  });

  it("refuses a missing or wrong token with 401", async () => {
    const bad = await fetch(server.url, { method: "POST", headers: { Authorization: "Bearer nope" }, body: '["PING"]' });
    expect(bad.status).toBe(401);
    const none = await fetch(server.url, { method: "POST", body: '["PING"]' });
    expect(none.status).toBe(401);
    const query = await fetch(`${server.url}/?_token=${TOKEN}`, { method: "POST", body: '["PING"]' });
    expect(await query.json()).toEqual({ result: "PONG" });
  });

  it("refuses bodies that are not commands with 400", async () => {
    for (const body of ["not json", "[]", '{"a":1}', "[[1,{}]]"]) {
      const response = await fetch(server.url, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` }, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toHaveProperty("error");
    }
  });

  it("counts REST round trips and commands", async () => {
    server.resetStats();
    await redis.set(key("x"), "1");
    const tx = redis.multi();
    tx.incr(key("y"));
    tx.incr(key("y"));
    await tx.exec();
    expect(server.stats()).toMatchObject({ requests: 2, commands: 3, commandNames: ["SET", "INCR", "INCR"] });
  });
});
