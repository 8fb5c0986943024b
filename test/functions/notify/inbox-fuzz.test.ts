import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FUZZ_RUNS, FUZZ_TIMEOUT, fuzzConcurrently, hostileQuery, hostileSegment } from "../../support/fuzz.ts";

describe(`fuzzing notify's HTTP routes (${FUZZ_RUNS} cases)`, () => {
  it(
    "GET /dev/inbox and any other path never answer 5xx",
    async () => {
      await fuzzConcurrently(hostileQuery, async (query) => {
        const response = await exports.default.fetch(new Request(`https://awoooi.test/dev/inbox?${query}`));
        expect(response.status, query).toBeLessThan(500);
        await response.body?.cancel();
      });
      await fuzzConcurrently(hostileSegment, async (segment) => {
        const response = await exports.default.fetch(new Request(`https://awoooi.test/${segment}`, { method: "POST", body: segment }));
        expect(response.status, segment).toBeLessThan(500);
        await response.body?.cancel();
      });
    },
    FUZZ_TIMEOUT,
  );
});
