import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { drainParked, MAX_PARKED_FAILURES } from "../../../functions/webhook-receive/src/drain-parked.ts";
import type { Env } from "../../../functions/webhook-receive/src/env.ts";
import worker from "../../../functions/webhook-receive/src/index.ts";
import { createUpstashParkingLot } from "../../../shared/adapters/upstash-parking-lot.ts";
import type { AnalyzeQueueMessage, DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { AnalyzeRequestedV1 } from "../../../shared/contracts/queue.ts";
import type { ParkingLot } from "../../../shared/ports/parking-lot.ts";
import { alertmanagerBody, uniqueAlertName } from "../../support/fixtures/alertmanager.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { grafanaBody } from "../../support/fixtures/sources.ts";
import { redisForTests, testEnv } from "../../support/worker/env.ts";
import { analyses, postTo } from "./support.ts";

// Nothing listens there: every Redis call fails at once.
const DEAD_REDIS = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
const grafanaAlert = (name: string) => grafanaBody({}, { labels: { alertname: name, namespace: "shop", pod: "checkout-7d4b8c9f5-xk2m3" } });

const deadLetters = recordingQueue<DeadLetterV1>();
function drainDeps(parking: ParkingLot, enqueue: (messages: readonly AnalyzeQueueMessage[]) => Promise<unknown>) {
  return {
    parking,
    enqueue: async (m: readonly AnalyzeQueueMessage[]) => void (await enqueue(m)),
    deadLetter: (m: DeadLetterV1) => deadLetters.send(m).then(() => {}),
    log: () => {},
    now: () => new Date(),
  };
}

function parkedMessage(): AnalyzeRequestedV1 {
  return AnalyzeRequestedV1.parse({
    type: "analyze.requested",
    version: 1,
    id: `analyze:${crypto.randomUUID()}`,
    occurredAt: new Date().toISOString(),
    correlationId: "parked",
    payload: {
      incident_id: crypto.randomUUID(),
      fingerprint: "00000000000000aa",
      alert: { alert_type: "X", severity: "info", priority: "P3", source: "grafana", status: "firing", message: "m", fired_at: new Date().toISOString() },
      degraded: false,
    },
  });
}

describe("the parking lot", () => {
  it("dead-letters an entry that is not a message, with its reason, and still drains the rest", async () => {
    const parking = createUpstashParkingLot(redisForTests());
    const good = parkedMessage();
    await redisForTests().lpush("awoooi:parked", `not json ${good.id}`);
    await parking.park([good]);
    const queue = recordingQueue<AnalyzeQueueMessage>();
    await drainParked(drainDeps(parking, (m) => queue.sendBatch(m.map((body) => ({ body })))));
    expect(queue.sent).toContainEqual(good);
    const poison = deadLetters.sent.find((d) => String(d.payload.body).includes(good.id));
    expect(poison?.payload).toMatchObject({ queue: "awoooi-parked", reason: expect.stringContaining("not an analyze message") });
  });

  it("dead-letters a message the queue refuses on every tick, after the fifth, while the others go through", async () => {
    const parking = createUpstashParkingLot(redisForTests());
    const stuck = parkedMessage();
    const fine = parkedMessage();
    await parking.park([stuck, fine]);
    const queue = recordingQueue<AnalyzeQueueMessage>();
    const refusing = async (messages: readonly AnalyzeQueueMessage[]) => {
      if (messages.some((m) => m.id === stuck.id)) throw new Error("queue refused the message");
      await queue.sendBatch(messages.map((body) => ({ body })));
    };
    for (let tick = 1; tick <= MAX_PARKED_FAILURES; tick++) {
      await drainParked(drainDeps(parking, refusing));
      const dead = deadLetters.sent.some((d) => d.payload.message_id === stuck.id);
      expect(dead, `tick ${tick}`).toBe(tick === MAX_PARKED_FAILURES);
    }
    expect(queue.sent.filter((m) => m.id === fine.id)).toHaveLength(1);
    expect(deadLetters.sent.find((d) => d.payload.message_id === stuck.id)?.payload.reason).toContain("refused by the queue on 5 drains");
  });

  it("loses nothing when a drainer crashes after claiming: its claim returns to the lot once its lease expires", async () => {
    const message = parkedMessage();
    const crashed = createUpstashParkingLot(redisForTests(), { leaseMs: 3_000 });
    await crashed.park([message]);
    // Claims everything, then "crashes": never settles, never releases, never ends its lease.
    const claimed = await crashed.claim(1_000);
    expect(claimed.map((e) => (e.body as { id: string }).id)).toContain(message.id);
    expect(await createUpstashParkingLot(redisForTests()).claim(1_000)).toEqual([]);

    const queue = recordingQueue<AnalyzeQueueMessage>();
    const next = createUpstashParkingLot(redisForTests());
    await expect
      .poll(
        async () => {
          await drainParked(drainDeps(next, (m) => queue.sendBatch(m.map((body) => ({ body })))));
          return queue.sent.some((m) => m.id === message.id);
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);
  });
});

describe("queue unavailable", () => {
  it("parks Grafana's alerts (Grafana never retries), answers 202, and the cron re-enqueues them", async () => {
    const name = uniqueAlertName("Parked");
    const { response, json } = await postTo("grafana", grafanaAlert(name), { queue: recordingQueue({ fail: true }) });
    expect(response.status).toBe(202);
    expect(json.results[0].status).toBe("accepted");

    const parking = createUpstashParkingLot(redisForTests());
    const refused = recordingQueue<AnalyzeQueueMessage>({ fail: true });
    await drainParked(drainDeps(parking, (m) => refused.sendBatch(m.map((body) => ({ body })))));
    expect(await parking.size()).toBeGreaterThan(0);

    const drained = recordingQueue<AnalyzeQueueMessage>();
    const result = await drainParked(drainDeps(parking, (m) => drained.sendBatch(m.map((body) => ({ body })))));
    expect(result.remaining).toBe(0);
    const mine = analyses(drained).filter((m) => m.payload.alert.alert_type === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload.incident_id).toBe(json.results[0].incident_id);
  });

  it("drains the parking lot from the scheduled handler", async () => {
    const parking = createUpstashParkingLot(redisForTests());
    const message = parkedMessage();
    await parking.park([message]);
    const queue = recordingQueue();
    const ctx = createExecutionContext();
    await worker.scheduled!(
      createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }),
      { ...testEnv, ANALYZE_QUEUE: queue } as unknown as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(queue.sent).toContainEqual(message);
  });

  it("answers 503 to Alertmanager, which retries 5xx, and keeps nothing", async () => {
    const name = uniqueAlertName();
    const body = alertmanagerBody([{ labels: { alertname: name, namespace: "n" } }]);
    expect((await postTo("alertmanager", body, { queue: recordingQueue({ fail: true }) })).response.status).toBe(503);
    const retry = await postTo("alertmanager", body);
    expect(retry.json.results[0].status).toBe("accepted");
  });
});

describe("Redis unreachable", () => {
  it("still accepts and enqueues the alert, flagged degraded for analyze to dedupe", async () => {
    const { response, json, queue } = await postTo("alertmanager", alertmanagerBody([{ labels: { alertname: uniqueAlertName(), namespace: "n" } }]), {
      env: DEAD_REDIS,
    });
    expect(response.status).toBe(202);
    expect(json).toMatchObject({ degraded: true, results: [{ status: "accepted" }] });
    const [message] = analyses(queue);
    expect(message?.payload).toMatchObject({ degraded: true, incident_id: json.results[0].incident_id });
  });

  it("answers 503 when the queue is down as well, whatever the source", async () => {
    for (const [source, body] of [
      ["alertmanager", alertmanagerBody([{ labels: { alertname: uniqueAlertName() } }])],
      ["grafana", grafanaAlert(uniqueAlertName())],
    ] as const) {
      const { response } = await postTo(source, body, { env: DEAD_REDIS, queue: recordingQueue({ fail: true }) });
      expect(response.status).toBe(503);
    }
  });
});
