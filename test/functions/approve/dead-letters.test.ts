import { afterAll, describe, expect, it } from "vitest";
import { recordDeadLetters } from "../../../functions/approve/src/dead-letters.ts";
import { createDeadLetterStore } from "../../../shared/adapters/neon-kysely-dead-letter-store.ts";
import type { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import type { DeadLetterStore } from "../../../shared/ports/dead-letter-store.ts";
import { queueMessage } from "../../support/fixtures/messages.ts";
import { dbForTests } from "../../support/worker/env.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const store = createDeadLetterStore(db);

const parked = (queue: string, reason: string): DeadLetterV1 => ({
  type: "dead_letter",
  version: 1,
  id: `dlq:${crypto.randomUUID()}`,
  occurredAt: new Date().toISOString(),
  correlationId: "test",
  payload: { queue, message_id: crypto.randomUUID(), reason, attempts: 3, body: { n: 1 } },
});

const stored = (queue: string) => db.selectFrom("dead_letters").select(["message_id", "reason"]).where("queue", "=", queue).execute();

describe("recording dead letters", () => {
  it("stores a whole batch, parked envelopes and exhausted raw messages, and acks each", async () => {
    const queue = `awoooi-test-${crypto.randomUUID()}`;
    const messages = [queueMessage(parked(queue, "bad version")), queueMessage(parked(queue, "no such incident")), queueMessage("raw\u0000body", 5)];
    await recordDeadLetters(
      messages.map((m) => m.message),
      store,
    );
    expect(messages.every((m) => m.outcome.acked && !m.outcome.retried)).toBe(true);
    expect((await stored(queue)).map((r) => r.reason).sort()).toEqual(["bad version", "no such incident"]);
    const raw = await db.selectFrom("dead_letters").selectAll().where("message_id", "=", messages[2]!.message.id).executeTakeFirstOrThrow();
    expect(raw).toMatchObject({ queue: "(retries exhausted)", attempts: 5, body: "raw\u2400body" });
  });

  it("stores a redelivered batch once", async () => {
    const queue = `awoooi-test-${crypto.randomUUID()}`;
    const message = parked(queue, "twice");
    await recordDeadLetters([queueMessage(message).message], store);
    const again = queueMessage(message);
    await recordDeadLetters([again.message, queueMessage(message).message], store);
    expect(again.outcome.acked).toBe(true);
    expect(await stored(queue)).toHaveLength(1);
  });

  it("when the batch insert fails, stores the rest one by one and retries only the row that cannot be stored", async () => {
    const queue = `awoooi-test-${crypto.randomUUID()}`;
    const poison = parked(queue, "poison");
    const failing: DeadLetterStore = {
      ...store,
      recordAll: async () => {
        throw new Error("batch refused");
      },
      record: async (entry) => {
        if (entry.reason === "poison") throw new Error("row refused");
        await store.record(entry);
      },
    };
    const good = queueMessage(parked(queue, "fine"));
    const bad = queueMessage(poison);
    await recordDeadLetters([good.message, bad.message], failing);
    expect(good.outcome).toMatchObject({ acked: true, retried: false });
    expect(bad.outcome).toMatchObject({ acked: false, retried: true, delaySeconds: 30 });
    expect((await stored(queue)).map((r) => r.reason)).toEqual(["fine"]);
  });
});
