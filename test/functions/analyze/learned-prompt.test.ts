// The learned fix reaches the model: once enough outcomes of one fingerprint
// are recorded, the next analysis's prompt names the operation that worked and
// its record; before that, the prompt has no such line. Real @anthropic-ai/sdk
// against the local stand-in, which hands back the prompts it received.
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/analyze/src/env.ts";
import worker from "../../../functions/analyze/src/index.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { createUpstashLearningStats } from "../../../shared/adapters/upstash-learning-stats.ts";
import type { AnalyzeQueueMessage, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { analyzeRequested, recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { anthropicPromptAbout } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const env = {
  ...testEnv,
  ANTHROPIC_API_KEY: "test-key",
  ANTHROPIC_BASE_URL: testEnv.TEST_FAKE_ANTHROPIC_URL!,
  ANTHROPIC_TIMEOUT_SECONDS: "5",
  AI_FALLBACK_ORDER: "anthropic,rules",
  CLASSIFY_QUEUE: recordingQueue<ClassifyRequestedV1>(),
  ANALYZE_QUEUE: recordingQueue<AnalyzeQueueMessage>(),
  DEAD_LETTER_QUEUE: recordingQueue(),
} as unknown as Env;

/** Analyzes a new incident of the fingerprint, then resolves it (an open one would absorb the next alert of the fingerprint). */
async function analyze(fingerprint: string): Promise<string> {
  const alertType = `LLMTest-ok-${crypto.randomUUID().slice(0, 8)}`;
  const request = analyzeRequested({ fingerprint, alert: { alert_type: alertType } });
  await deliver(worker, env, "awoooi-analyze", [request]);
  await createIncidentStore(db).resolve(request.payload.incident_id, new Date());
  return anthropicPromptAbout(alertType);
}

describe("the learned fix in the prompt", () => {
  it("is absent before any outcome, and names the operation and its record (5 of 5) once learned", async () => {
    const fingerprint = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    expect(await analyze(fingerprint)).not.toContain("Learned from past repairs");

    const learning = createUpstashLearningStats(redisForTests());
    for (let i = 0; i < 5; i++) {
      await learning.record({ executionId: crypto.randomUUID(), fingerprint, operation: "RESTART_DEPLOYMENT", success: true, durationMs: 1_000 });
    }
    expect(await analyze(fingerprint)).toContain("Learned from past repairs: RESTART_DEPLOYMENT worked 5 of 5 times for this alert");
  });

  it("leaves it out while the record is too thin (4 outcomes) or too poor (2 of 5)", async () => {
    const learning = createUpstashLearningStats(redisForTests());
    const thin = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const poor = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    for (let i = 0; i < 5; i++) {
      if (i < 4) await learning.record({ executionId: crypto.randomUUID(), fingerprint: thin, operation: "DELETE_POD", success: true, durationMs: 500 });
      await learning.record({ executionId: crypto.randomUUID(), fingerprint: poor, operation: "DELETE_POD", success: i < 2, durationMs: 500 });
    }
    expect(await analyze(thin)).not.toContain("Learned from past repairs");
    expect(await analyze(poor)).not.toContain("Learned from past repairs");
  });
});
