import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/analyze/src/env.ts";
import worker from "../../../functions/analyze/src/index.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { analyzeRequested, recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { consumerHarness } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const harness = () => consumerHarness();

describe("the P0 fast lane", () => {
  it("announces a new P0 to notify before its analysis, once per message id", async () => {
    const { notify, classify, run } = harness();
    const request = analyzeRequested({ alert: { priority: "P0", severity: "critical" } });
    await run([request]);
    await run([request]);
    const announcements = (notify.sent as Array<{ type: string; id: string; payload: { incident_id: string } }>).filter((m) => m.type === "incident.admitted");
    expect(announcements.map((m) => m.id)).toEqual([`notify:${request.payload.incident_id}:admitted`]);
    expect(announcements[0]?.payload.incident_id).toBe(request.payload.incident_id);
    expect(classify.sent).toHaveLength(1);
  });

  it("announces nothing for a P2: its notice comes with the verdict", async () => {
    const { notify, run } = harness();
    await run([analyzeRequested({ alert: { priority: "P2" } })]);
    expect((notify.sent as Array<{ type: string }>).filter((m) => m.type === "incident.admitted")).toEqual([]);
  });
});

describe("analyze queue consumer", () => {
  it("opens the incident, records a rules verdict and hands it to classify", async () => {
    const { classify, run } = harness();
    const message = analyzeRequested();
    const { result } = await run([message]);
    expect(result.explicitAcks).toHaveLength(1);

    const incident = await createIncidentStore(db).get(message.payload.incident_id);
    expect(incident).toMatchObject({ status: "analyzed", fingerprint: message.payload.fingerprint, rca: { provider: "rules", risk_level: "high" } });
    expect(incident?.analyzedAt).toBeInstanceOf(Date);

    expect(classify.sent).toHaveLength(1);
    const sent = ClassifyRequestedV1.parse(classify.sent[0]);
    expect(sent).toMatchObject({ id: `classify:${message.payload.incident_id}`, correlationId: message.correlationId });
    expect(sent.payload.rca).toEqual(incident?.rca);
  });

  it("absorbs redelivery: one incident, one verdict, the same classify message id", async () => {
    const { classify, run } = harness();
    const message = analyzeRequested();
    await run([message]);
    const first = await createIncidentStore(db).get(message.payload.incident_id);
    await run([message, message]);
    const rows = await db.selectFrom("incidents").select(["id", "analyzed_at"]).where("id", "=", message.payload.incident_id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.analyzed_at).toEqual(first?.analyzedAt);
    expect(new Set(classify.sent.map((m) => m.id))).toEqual(new Set([`classify:${message.payload.incident_id}`]));
  });

  it.each([
    ["an unknown version", () => ({ ...analyzeRequested(), version: 2 })],
    ["an invalid payload", () => ({ ...analyzeRequested(), payload: { incident_id: "not-a-uuid" } })],
  ])("dead-letters %s without touching Postgres", async (_case, make) => {
    const { classify, deadLetters, run } = harness();
    const body = make();
    const { result } = await run([body]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]?.payload).toMatchObject({ queue: "awoooi-analyze", body });
    expect(classify.sent).toHaveLength(0);
  });

  it("retries when classify cannot be reached, and the retry completes the hand-off", async () => {
    const message = analyzeRequested();
    const failing = { ...testEnv, CLASSIFY_QUEUE: recordingQueue({ fail: true }), DEAD_LETTER_QUEUE: recordingQueue() } as unknown as Env;
    const { result } = await deliver(worker, failing, "awoooi-analyze", [message]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);

    const { classify, run } = harness();
    await run([message]);
    expect(classify.sent).toHaveLength(1);
  });
});
