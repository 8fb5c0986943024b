import { describe, expect, it } from "vitest";
import { AnalyzeRequestedV1 } from "../../../shared/contracts/queue.ts";
import { chunkForSendBatch, publishAll } from "../../../shared/queue/publish.ts";
import { analyzeRequested, recordingQueue } from "../../support/fixtures/messages.ts";

describe("publishAll", () => {
  it("validates every message against its versioned schema before sending anything", async () => {
    const queue = recordingQueue();
    const bad = { ...analyzeRequested(), version: 7 } as unknown as AnalyzeRequestedV1;
    await expect(publishAll(queue, AnalyzeRequestedV1, [analyzeRequested(), bad])).rejects.toThrow();
    expect(queue.sent).toHaveLength(0);
  });

  it("sends 250 messages in three batches of at most 100", async () => {
    const queue = recordingQueue();
    await publishAll(
      queue,
      AnalyzeRequestedV1,
      Array.from({ length: 250 }, () => analyzeRequested()),
    );
    expect(queue.batches).toEqual([100, 100, 50]);
  });
});

describe("chunkForSendBatch", () => {
  it("splits by total size under the 256 KB batch limit", () => {
    const big = "x".repeat(60_000);
    const chunks = chunkForSendBatch([big, big, big, big, big]);
    expect(chunks.map((c) => c.length)).toEqual([4, 1]);
  });

  it("returns nothing for nothing", () => {
    expect(chunkForSendBatch([])).toEqual([]);
  });
});
