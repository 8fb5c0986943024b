import fc from "fast-check";
import { describe, expect, it } from "vitest";
import worker from "../../../functions/analyze/src/index.ts";
import type { IncidentResolvedV1 } from "../../../shared/contracts/queue.ts";
import { analyzeRequested } from "../../support/fixtures/messages.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, hostileVariantsOf } from "../../support/fuzz.ts";
import { fuzzConsumer } from "../../support/worker/fuzz-consumer.ts";
import { consumerHarness } from "./support.ts";

const resolved = (): IncidentResolvedV1 => ({
  type: "incident.resolved",
  version: 1,
  id: `resolve:${crypto.randomUUID()}`,
  occurredAt: new Date().toISOString(),
  correlationId: "fuzz",
  payload: { incident_id: crypto.randomUUID(), fingerprint: "0123456789abcdef", resolved_at: new Date().toISOString(), source: "alertmanager" },
});

describe(`fuzzing the analyze consumer (${FUZZ_RUNS} messages)`, () => {
  it(
    "never crashes and settles every hostile message",
    async () => {
      const { env, deadLetters } = consumerHarness({ AI_FALLBACK_ORDER: "rules" });
      const bodies = fc.oneof(
        hostileVariantsOf(() => analyzeRequested()),
        hostileVariantsOf(resolved),
      );
      const { acked } = await fuzzConsumer(worker, env, "awoooi-analyze", bodies);
      expect(acked).toBeGreaterThan(0);
      expect(deadLetters.sent.length).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );
});
