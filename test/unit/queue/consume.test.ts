import { describe, expect, it } from "vitest";
import { AnalyzeRequestedV1, type DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { consume, PermanentError } from "../../../shared/queue/consume.ts";
import { analyzeRequested, queueMessage, recordingQueue } from "../../support/fixtures/messages.ts";

function setup(handle: () => Promise<void> = async () => {}, dlqFails = false) {
  const deadLetters = recordingQueue<DeadLetterV1>({ fail: dlqFails });
  const run = (messages: ReturnType<typeof queueMessage>[]) =>
    consume({ queue: "awoooi-analyze", messages: messages.map((m) => m.message) }, { schema: AnalyzeRequestedV1, deadLetters, handle });
  return { deadLetters, run };
}

describe("consume", () => {
  it("acks a message its handler accepted", async () => {
    const { run } = setup();
    const m = queueMessage(analyzeRequested());
    await run([m]);
    expect(m.outcome).toMatchObject({ acked: true, retried: false });
  });

  it("dead-letters a message of an unknown version with the reason, and acks it", async () => {
    const { run, deadLetters } = setup();
    const m = queueMessage({ ...analyzeRequested(), version: 2 });
    await run([m]);
    expect(m.outcome.acked).toBe(true);
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]?.payload).toMatchObject({ queue: "awoooi-analyze", message_id: m.message.id, body: m.message.body });
    expect(deadLetters.sent[0]?.payload.reason).toContain("version 2");
  });

  it("dead-letters a body that is not an envelope at all", async () => {
    const { run, deadLetters } = setup();
    const m = queueMessage("garbage");
    await run([m]);
    expect(m.outcome.acked).toBe(true);
    expect(deadLetters.sent[0]?.payload.reason).toContain("envelope");
  });

  it("retries a transient failure with exponential backoff, leaving other messages alone", async () => {
    let calls = 0;
    const { run } = setup(async () => {
      calls += 1;
      if (calls === 1) throw new Error("database unreachable");
    });
    const failing = queueMessage(analyzeRequested(), 3);
    const fine = queueMessage(analyzeRequested());
    await run([failing, fine]);
    expect(failing.outcome).toMatchObject({ acked: false, retried: true, delaySeconds: 8 });
    expect(fine.outcome).toMatchObject({ acked: true, retried: false });
  });

  it("caps the backoff at five minutes", async () => {
    const { run } = setup(async () => {
      throw new Error("down");
    });
    const m = queueMessage(analyzeRequested(), 20);
    await run([m]);
    expect(m.outcome.delaySeconds).toBe(300);
  });

  it("dead-letters a permanent failure instead of retrying it", async () => {
    const { run, deadLetters } = setup(async () => {
      throw new PermanentError("peer refused: 400");
    });
    const m = queueMessage(analyzeRequested());
    await run([m]);
    expect(m.outcome).toMatchObject({ acked: true, retried: false });
    expect(deadLetters.sent[0]?.payload.reason).toBe("peer refused: 400");
  });

  it("keeps a message in its queue when the dead-letter queue is unavailable too", async () => {
    const { run } = setup(async () => {}, true);
    const m = queueMessage({ nonsense: true });
    await run([m]);
    expect(m.outcome).toMatchObject({ acked: false, retried: true });
  });
});
