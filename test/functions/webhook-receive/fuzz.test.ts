// Property test: hostile and malformed bodies never get a 5xx, and every
// refusal has the documented JSON error shape.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SOURCES, type SourceName } from "../../../functions/webhook-receive/src/env.ts";
import { alertmanagerBody } from "../../support/fixtures/alertmanager.ts";
import { grafanaBody, scannerReport, sentryEventAlert, sentryIssue } from "../../support/fixtures/sources.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, fuzzConcurrently, hostileValue, mutate } from "../../support/fuzz.ts";
import { BEARER, postTo } from "./support.ts";

const RUNS = FUZZ_RUNS;

const VALID: Record<SourceName, () => unknown> = {
  alertmanager: () => alertmanagerBody(),
  signoz: () => alertmanagerBody(),
  grafana: () => grafanaBody(),
  sentry: () => sentryEventAlert(),
  scanner: () => scannerReport(),
  alerts: () => ({ alert_type: "A", severity: "warning", source: "s", message: "m" }),
};

function bodyFor(source: SourceName) {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), hostileValue)
        .map(([path, value]) => JSON.stringify(mutate(VALID[source](), path, value))),
    },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", "[", "null", "{}", "[]", '{"alerts":null}', '{"version":"4","alerts":[{}]}') },
  );
}

const ERROR_SHAPE = { error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } };

describe("fuzzing every webhook endpoint", () => {
  it.each(SOURCES)(
    `%s: ${RUNS} hostile bodies, no 5xx, every refusal in the error shape`,
    async (source) => {
      const headers = source === "sentry" ? { ...BEARER, "Sentry-Hook-Resource": "event_alert" } : BEARER;
      await fuzzConcurrently(
        bodyFor(source),
        async (raw) => {
          const { response, json } = await postTo(source, undefined, { raw, headers });
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(json).toMatchObject(ERROR_SHAPE);
          else expect(response.status).toBe(202);
        },
        { cases: RUNS },
      );
    },
    FUZZ_TIMEOUT,
  );

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
