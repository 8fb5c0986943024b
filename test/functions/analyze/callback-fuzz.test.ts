import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../functions/analyze/src/app.ts";
import type { Env } from "../../../functions/analyze/src/env.ts";
import { signedHeaders } from "../../../shared/http/signatures.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, fuzzConcurrently, hostileVariantsOf, isErrorShape } from "../../support/fuzz.ts";
import { testEnv } from "../../support/worker/env.ts";

const env = {
  ...testEnv,
  OLLAMA_RELAY_URL: testEnv.TEST_RELAY_URL!,
  RELAY_HMAC_SECRET: testEnv.TEST_RELAY_SECRET!,
  CLASSIFY_QUEUE: recordingQueue(),
  ANALYZE_QUEUE: recordingQueue(),
  NOTIFY_QUEUE: recordingQueue(),
  DEAD_LETTER_QUEUE: recordingQueue(),
} as unknown as Env;

const valid = () => ({ job_id: crypto.randomUUID(), incident_id: crypto.randomUUID(), ok: true, content: "{}", model: "m", duration_ms: 5 });

describe(`fuzzing POST /api/v1/analyze/callback (${FUZZ_RUNS} cases)`, () => {
  it(
    "never answers 5xx, and refuses in the error shape, signed or not",
    async () => {
      const app = createApp();
      await fuzzConcurrently(fc.tuple(hostileVariantsOf(valid), fc.constantFrom("signed", "unsigned", "stale")), async ([body, mode]) => {
        const text = JSON.stringify(body) ?? "null";
        const now = Math.floor(Date.now() / 1000);
        const headers: Record<string, string> = { "Content-Type": "application/json" };
        if (mode !== "unsigned") Object.assign(headers, await signedHeaders(testEnv.TEST_RELAY_SECRET!, text, mode === "stale" ? now - 3_600 : now));
        const ctx = createExecutionContext();
        const response = await app.fetch(new Request("https://awoooi.test/api/v1/analyze/callback", { method: "POST", headers, body: text }), env, ctx);
        await waitOnExecutionContext(ctx);
        expect(response.status, text).toBeLessThan(500);
        if (response.status >= 400) expect(isErrorShape(await response.json())).toBe(true);
        if (mode !== "signed") expect(response.status).toBe(401);
      });
    },
    FUZZ_TIMEOUT,
  );
});
