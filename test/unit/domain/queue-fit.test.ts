import { describe, expect, it } from "vitest";
import { fitAlertToMessage, jsonBytes, QUEUE_MESSAGE_MAX_BYTES } from "../../../shared/domain/queue-fit.ts";
import { chunkForSendBatch } from "../../../shared/queue/publish.ts";
import { normalizedAlert } from "../../support/fixtures/messages.ts";

const hugeLabels = (n: number, value: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`label_${i}`, value]));

describe("fitting an alert into one queue message", () => {
  it("leaves an alert that fits as it is", () => {
    const alert = normalizedAlert({ labels: { pod: "p" } });
    expect(fitAlertToMessage(alert)).toBe(alert);
  });

  it("trims the raw payload first, and stops there when that is enough", () => {
    const alert = normalizedAlert({ raw_payload: { blob: "x".repeat(130_000) } });
    const fitted = fitAlertToMessage(alert);
    expect(fitted.trimmed).toEqual(["raw_payload"]);
    expect(fitted.raw_payload).toMatchObject({ truncated: true, original_bytes: jsonBytes(alert.raw_payload) });
    expect(fitted.message).toBe(alert.message);
  });

  it("then label values, counted in UTF-8 bytes (160 labels of 1,000 emoji-heavy characters)", () => {
    const alert = normalizedAlert({ labels: { pod: "api-1", namespace: "production", ...hugeLabels(160, "🔥".repeat(500)) }, raw_payload: { a: 1 } });
    expect(JSON.stringify(alert).length).toBeLessThan(200_000);
    expect(jsonBytes(alert)).toBeGreaterThan(QUEUE_MESSAGE_MAX_BYTES);
    const fitted = fitAlertToMessage(alert);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(QUEUE_MESSAGE_MAX_BYTES - 4_096);
    expect(fitted.trimmed).toEqual(["raw_payload", "labels"]);
    expect(fitted.labels).toMatchObject({ pod: "api-1", namespace: "production" });
    expect(fitted.labels!.label_0!.isWellFormed()).toBe(true);
  });

  it("then description and message when the budget is small", () => {
    const alert = normalizedAlert({ description: "d".repeat(8_000), message: "m".repeat(2_000) });
    const fitted = fitAlertToMessage(alert, 1_500);
    expect(fitted.trimmed).toEqual(expect.arrayContaining(["description", "message"]));
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(1_500);
  });
});

describe("sendBatch chunks", () => {
  it("respect 256 KB in UTF-8 bytes, not UTF-16 units", () => {
    const bodies = Array.from({ length: 10 }, () => ({ text: "🔥".repeat(10_000) })); // 40 KB each in UTF-8, 20 k units
    const chunks = chunkForSendBatch(bodies);
    for (const chunk of chunks) expect(chunk.reduce((sum, body) => sum + jsonBytes(body) + 100, 0)).toBeLessThanOrEqual(256_000);
    expect(chunks.flat()).toHaveLength(10);
  });

  it("hold at most 100 messages", () => {
    expect(chunkForSendBatch(Array.from({ length: 250 }, (_, i) => i)).map((c) => c.length)).toEqual([100, 100, 50]);
  });
});
