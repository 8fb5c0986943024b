import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import { testEnv } from "../../support/worker/env.ts";

const get = async (path: string, vars: Record<string, unknown> = {}) => {
  const response = await worker.fetch(new Request(`https://awoooi.test${path}`), { ...testEnv, ...vars } as unknown as Env, {} as ExecutionContext);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe("notify's readiness", () => {
  it("is ready with Redis and its dead-letter queue", async () => {
    expect(await get("/ready")).toMatchObject({ status: 200, body: { service: "notify", ok: true, checks: { redis: "ok", "queue DEAD_LETTER_QUEUE": "ok" } } });
  });

  it("a Telegram token that does not look like one: /ready and /dev/inbox answer 503 naming TELEGRAM_BOT_TOKEN", async () => {
    const bad = { TELEGRAM_BOT_TOKEN: "not-a-bot-token", TELEGRAM_CHAT_ID: "-100" };
    const ready = await get("/ready", bad);
    expect(ready).toMatchObject({ status: 503, body: { failed: "configuration", error: { code: "misconfigured" } } });
    expect(ready.body.error.message).toMatch(/^notify: invalid configuration — TELEGRAM_BOT_TOKEN: must look like/);
    const inbox = await get("/dev/inbox", bad);
    expect(inbox).toMatchObject({ status: 503, body: { error: { code: "misconfigured", message: expect.stringContaining("TELEGRAM_BOT_TOKEN") } } });
  });
});
