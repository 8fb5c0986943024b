// Property test: hostile Sentry issue webhooks never get a 5xx. Every source's
// hostile bodies, followed to their end state, are fuzzed in
// test/faults/end-state-fuzz.test.ts (the whole chain in one workerd).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sentryIssue } from "../../support/fixtures/sources.ts";
import { FUZZ_TIMEOUT, hostileValue, mutate } from "../../support/fuzz.ts";
import { BEARER, postTo } from "./support.ts";

describe("fuzzing the Sentry issue webhook", () => {
  it(
    "keeps the sentry issue variant safe too",
    async () => {
      const headers = { ...BEARER, "Sentry-Hook-Resource": "issue" };
      await fc.assert(
        fc.asyncProperty(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), hostileValue), async ([path, value]) => {
          const { response } = await postTo("sentry", undefined, { raw: JSON.stringify(mutate(sentryIssue("created"), path, value)), headers });
          expect(response.status).toBeLessThan(500);
        }),
        { numRuns: 2_000 },
      );
    },
    FUZZ_TIMEOUT,
  );
});
