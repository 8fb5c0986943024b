import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import type { DeadLetterV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { normalizedAlert, recordingQueue } from "../../support/fixtures/messages.ts";
import { FUZZ_RUNS, FUZZ_TIMEOUT, hostileVariantsOf } from "../../support/fuzz.ts";
import { testEnv } from "../../support/worker/env.ts";
import { fuzzConsumer } from "../../support/worker/fuzz-consumer.ts";

function valid(): NotifyRequestedV2 {
  const alert = normalizedAlert();
  const approvalId = crypto.randomUUID();
  return {
    type: "notify.requested",
    version: 2,
    id: `notify:${approvalId}:approval_requested`,
    occurredAt: new Date().toISOString(),
    correlationId: "fuzz",
    payload: {
      kind: "approval_requested",
      incident_id: crypto.randomUUID(),
      approval_id: approvalId,
      fingerprint: "0123456789abcdef",
      alert,
      rca: rulesVerdict(alert),
      required_signatures: 2,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      reasons: [],
      signatures: [],
    },
  };
}

describe(`fuzzing the notify consumer (${FUZZ_RUNS} messages)`, () => {
  it(
    "never crashes and settles every hostile message",
    async () => {
      const deadLetters = recordingQueue<DeadLetterV1>();
      const env = { ...testEnv, DEV_INBOX: "off", DEAD_LETTER_QUEUE: deadLetters } as unknown as Env;
      const { acked } = await fuzzConsumer(worker, env, "awoooi-notify", hostileVariantsOf(valid));
      expect(acked).toBeGreaterThan(0);
      expect(deadLetters.sent.length).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );
});
