import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../functions/analyze/src/app.ts";
import type { Env } from "../../../functions/analyze/src/env.ts";
import { BODY_LIMITS } from "../../../shared/http/body-limit.ts";
import { testEnv } from "../../support/worker/env.ts";

describe("the relay callback's body cap", () => {
  it("refuses a body over 512 KiB with 413 from its Content-Length, before reading or verifying it", async () => {
    const env = { ...testEnv, OLLAMA_RELAY_URL: testEnv.TEST_RELAY_URL!, RELAY_HMAC_SECRET: testEnv.TEST_RELAY_SECRET! } as unknown as Env;
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request("https://awoooi.test/api/v1/analyze/callback", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": String(BODY_LIMITS.relayCallback + 1) },
        body: "{}",
      }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large", message: expect.stringContaining("relay callback") } });
  });
});
