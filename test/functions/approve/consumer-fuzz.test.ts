import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/approve/src/env.ts";
import worker from "../../../functions/approve/src/index.ts";
import type { DeadLetterV1, ExecuteRequestedV1 } from "../../../shared/contracts/queue.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, hostileVariantsOf } from "../../support/fuzz.ts";
import { fuzzConsumer } from "../../support/worker/fuzz-consumer.ts";
import { recordingEnv } from "./support.ts";

const execute = (): ExecuteRequestedV1 => ({
  type: "execute.requested",
  version: 1,
  id: `execute:${crypto.randomUUID()}`,
  occurredAt: new Date().toISOString(),
  correlationId: "fuzz",
  payload: { execution_id: crypto.randomUUID(), approval_id: crypto.randomUUID(), incident_id: crypto.randomUUID() },
});

const parked = (): DeadLetterV1 => ({
  type: "dead_letter",
  version: 1,
  id: `dlq:fuzz:${crypto.randomUUID()}`,
  occurredAt: new Date().toISOString(),
  correlationId: "fuzz",
  payload: { queue: "awoooi-fuzz", message_id: crypto.randomUUID(), reason: "fuzz", attempts: 1, body: { any: "thing" } },
});

describe(`fuzzing approve's consumers (${FUZZ_RUNS} messages each)`, () => {
  it(
    "the execute consumer never crashes and settles every hostile message",
    async () => {
      const { env, deadLetters } = recordingEnv();
      const { acked } = await fuzzConsumer(worker, env as unknown as Env, "awoooi-execute", hostileVariantsOf(execute));
      expect(acked).toBeGreaterThan(0);
      expect((deadLetters.sent as DeadLetterV1[]).length).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );

  it(
    "the dead-letter consumer records anything it is handed, crashing on nothing",
    async () => {
      const { env } = recordingEnv();
      const { acked, retried } = await fuzzConsumer(worker, env as unknown as Env, "awoooi-dead-letter", hostileVariantsOf(parked));
      expect(acked).toBe(FUZZ_RUNS);
      expect(retried).toBe(0);
    },
    FUZZ_TIMEOUT,
  );
});
