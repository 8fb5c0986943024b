import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, fuzzConcurrently, hostileQuery, hostileSegment } from "../../support/fuzz.ts";
import { testEnv } from "../../support/worker/env.ts";

// The subject is hostile input: an inbox of its own (an empty Redis database) keeps each case's cost
// independent of how many messages other tests left in the shared one.
const env = { ...testEnv, DEV_INBOX: "on", UPSTASH_REDIS_REST_URL: testEnv.EMPTY_REDIS_REST_URL } as unknown as Env;

async function fetchNotify(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe(`fuzzing notify's HTTP routes (${FUZZ_RUNS} cases)`, () => {
  it(
    "GET /dev/inbox and any other path never answer 5xx",
    async () => {
      await fuzzConcurrently(hostileQuery, async (query) => {
        const response = await fetchNotify(new Request(`https://awoooi.test/dev/inbox?${query}`));
        expect(response.status, query).toBeLessThan(500);
        await response.body?.cancel();
      });
      await fuzzConcurrently(hostileSegment, async (segment) => {
        const response = await fetchNotify(new Request(`https://awoooi.test/${segment}`, { method: "POST", body: segment }));
        expect(response.status, segment).toBeLessThan(500);
        await response.body?.cancel();
      });
    },
    FUZZ_TIMEOUT,
  );
});
