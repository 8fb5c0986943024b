import type fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/classify/src/env.ts";
import worker from "../../../functions/classify/src/index.ts";
import type { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, hostileVariantsOf } from "../../support/fuzz.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { fuzzConsumer } from "../../support/worker/fuzz-consumer.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";

const db = dbForTests();
afterAll(() => db.destroy());

describe(`fuzzing the classify consumer (${FUZZ_RUNS} messages)`, () => {
  it(
    "never crashes and settles every hostile message",
    async () => {
      const valid = await seedAnalyzedIncident(db, { risk_level: "high" });
      const deadLetters = recordingQueue<DeadLetterV1>();
      const env = { ...testEnv, NOTIFY_QUEUE: recordingQueue(), EXECUTE_QUEUE: recordingQueue(), DEAD_LETTER_QUEUE: deadLetters } as unknown as Env;
      const { acked } = await fuzzConsumer(worker, env, "awoooi-classify", hostileVariantsOf(() => structuredClone(valid)) as fc.Arbitrary<unknown>);
      expect(acked).toBeGreaterThan(0);
      expect(deadLetters.sent.length).toBeGreaterThan(0);
      // However often it was delivered, mutated or not, the incident has one approval.
      expect(await db.selectFrom("approvals").select("id").where("incident_id", "=", valid.payload.incident_id).execute()).toHaveLength(1);
    },
    FUZZ_TIMEOUT,
  );
});
