import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { drainParked } from "../../../functions/webhook-receive/src/drain-parked.ts";
import type { Env } from "../../../functions/webhook-receive/src/env.ts";
import worker from "../../../functions/webhook-receive/src/index.ts";
import { createUpstashParkingLot } from "../../../shared/adapters/upstash-parking-lot.ts";
import type { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { AnalyzeRequestedV1 } from "../../../shared/contracts/queue.ts";
import { alertmanagerBody, uniqueAlertName } from "../../support/fixtures/alertmanager.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { grafanaBody } from "../../support/fixtures/sources.ts";
import { redisForTests, testEnv } from "../../support/worker/env.ts";
import { analyses, postTo } from "./support.ts";

// Nothing listens there: every Redis call fails at once.
const DEAD_REDIS = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
const grafanaAlert = (name: string) => grafanaBody({}, { labels: { alertname: name, namespace: "shop", pod: "checkout-7d4b8c9f5-xk2m3" } });

describe("queue unavailable", () => {
  it("parks Grafana's alerts (Grafana never retries), answers 202, and the cron re-enqueues them", async () => {
    const name = uniqueAlertName("Parked");
    const { response, json } = await postTo("grafana", grafanaAlert(name), { queue: recordingQueue({ fail: true }) });
    expect(response.status).toBe(202);
    expect(json.results[0].status).toBe("accepted");

    const parking = createUpstashParkingLot(redisForTests());
    const refused = recordingQueue<AnalyzeQueueMessage>({ fail: true });
    await drainParked({ parking, enqueue: (m) => refused.sendBatch(m.map((body) => ({ body }))), log: () => {} });
    expect(await parking.size()).toBeGreaterThan(0);

    const drained = recordingQueue<AnalyzeQueueMessage>();
    const result = await drainParked({ parking, enqueue: (m) => drained.sendBatch(m.map((body) => ({ body }))), log: () => {} });
    expect(result.remaining).toBe(0);
    const mine = analyses(drained).filter((m) => m.payload.alert.alert_type === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload.incident_id).toBe(json.results[0].incident_id);
  });

  it("drains the parking lot from the scheduled handler", async () => {
    const parking = createUpstashParkingLot(redisForTests());
    const message = AnalyzeRequestedV1.parse({
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
