import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../functions/webhook-receive/src/app.ts";
import type { Env } from "../../../functions/webhook-receive/src/env.ts";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { AnalyzeRequestedV1 } from "../../../shared/contracts/queue.ts";
import { fingerprintOf } from "../../../shared/domain/fingerprint.ts";
import { type alertmanagerAlert, alertmanagerBody, uniqueAlertName } from "../../support/fixtures/alertmanager.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { redisForTests, testEnv } from "../../support/worker/env.ts";

const URL = "https://awoooi.test/api/v1/webhooks/alertmanager";
const AUTH = { Authorization: `Bearer ${testEnv.WEBHOOK_TOKEN}`, "Content-Type": "application/json" };

/** Runs the app with a recording (or failing) analyze queue in place of the real binding. */
async function post(body: unknown, options: { headers?: Record<string, string>; queue?: ReturnType<typeof recordingQueue>; raw?: string } = {}) {
  const queue = options.queue ?? recordingQueue();
  const ctx = createExecutionContext();
  const response = await createApp().fetch(
    new Request(URL, { method: "POST", headers: options.headers ?? AUTH, body: options.raw ?? JSON.stringify(body) }),
    { ...testEnv, ANALYZE_QUEUE: queue } as unknown as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { response, json: (await response.json()) as Record<string, any>, queue };
}

function bodyFor(alertname: string, extra: Partial<Parameters<typeof alertmanagerAlert>[0]> = {}) {
  return alertmanagerBody([{ labels: { alertname, severity: "critical", namespace: "production", pod: "api-7d4b8c9f5-xk2m3" }, ...extra }]);
}

describe("POST /api/v1/webhooks/alertmanager", () => {
  it("accepts a new alert with 202, its fingerprint and a new incident id, and enqueues one analysis", async () => {
    const name = uniqueAlertName();
    const { response, json, queue } = await post(bodyFor(name));
    expect(response.status).toBe(202);
    const fingerprint = await fingerprintOf({ alert_type: name, namespace: "production", target_resource: "api-7d4b8c9f5-xk2m3" });
    expect(json.results).toEqual([{ fingerprint, incident_id: expect.any(String), status: "accepted" }]);
    expect(queue.sent).toHaveLength(1);
    const message = AnalyzeRequestedV1.parse(queue.sent[0]);
    expect(message.payload).toMatchObject({ incident_id: json.results[0].incident_id, fingerprint, degraded: false });
    expect(message.payload.alert).toMatchObject({ alert_type: name, priority: "P0", source: "alertmanager" });
    expect(message.id).toBe(`analyze:${json.results[0].incident_id}`);
    expect(message.correlationId).toBe(response.headers.get("X-Request-Id"));
  });

  it("aggregates a repeat into the open incident, bumps its hit count and enqueues nothing", async () => {
    const name = uniqueAlertName();
    const first = await post(bodyFor(name));
    const second = await post(bodyFor(name));
    expect(second.response.status).toBe(202);
    expect(second.json.results).toEqual([
      { fingerprint: first.json.results[0].fingerprint, incident_id: first.json.results[0].incident_id, status: "aggregated" },
    ]);
    expect(second.queue.sent).toHaveLength(0);
    const counters = await createUpstashAlertIndex(redisForTests()).counters(first.json.results[0].incident_id);
    expect(counters?.hitCount).toBe(2);
    expect(counters!.lastSeen).toBeGreaterThanOrEqual(counters!.firstSeen);
  });

  it("treats two alerts with one fingerprint in one batch as one incident", async () => {
    const name = uniqueAlertName();
    const labels = { alertname: name, namespace: "n", pod: "p" };
    const { json, queue } = await post(alertmanagerBody([{ labels }, { labels: { ...labels, extra: "differs-only-in-labels" } }]));
    expect(json.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "aggregated"]);
    expect(json.results[0].incident_id).toBe(json.results[1].incident_id);
    expect(queue.sent).toHaveLength(1);
  });

  it("enqueues a batch of distinct alerts in one send", async () => {
    const alerts = Array.from({ length: 30 }, () => ({ labels: { alertname: uniqueAlertName(), namespace: "n" } }));
    const { json, queue } = await post(alertmanagerBody(alerts));
    expect(json.results).toHaveLength(30);
    expect(queue.batches).toEqual([30]);
  });

  it("goes through the real entry point and queue binding", async () => {
    const response = await exports.default.fetch(new Request(URL, { method: "POST", headers: AUTH, body: JSON.stringify(bodyFor(uniqueAlertName())) }));
    expect(response.status).toBe(202);
  });
});

describe("refusals", () => {
  it.each([
    ["no Authorization header", { "Content-Type": "application/json" }],
    ["a wrong bearer token", { Authorization: "Bearer wrong-token-value", "Content-Type": "application/json" }],
    ["basic auth", { Authorization: "Basic YTpi", "Content-Type": "application/json" }],
  ])("answers 401 with a JSON error for %s, and stores nothing", async (_case, headers) => {
    const name = uniqueAlertName();
    const { response, json, queue } = await post(bodyFor(name), { headers });
    expect(response.status).toBe(401);
    expect(json).toEqual({ error: { code: "unauthorized", message: expect.any(String), requestId: expect.any(String) } });
    expect(queue.sent).toHaveLength(0);
    const fp = await fingerprintOf({ alert_type: name, namespace: "production", target_resource: "api-7d4b8c9f5-xk2m3" });
    expect(await redisForTests().get(`awoooi:fp:${fp}`)).toBeNull();
  });

  it("answers 400 naming the field when an alert has no alertname", async () => {
    const { response, json } = await post(alertmanagerBody([{ labels: { severity: "critical" } }]));
    expect(response.status).toBe(400);
    expect(json.error.code).toBe("invalid_body");
    expect(json.error.message).toContain("alerts.0.labels.alertname");
    expect(json.error.fields).toContainEqual({ field: "alerts.0.labels.alertname", message: "alertname label is required" });
  });

  it("answers 400 for malformed JSON", async () => {
    const { response, json } = await post(undefined, { raw: '{"version": "4", "alerts": [' });
    expect(response.status).toBe(400);
    expect(json.error).toMatchObject({ code: "invalid_request", requestId: expect.any(String) });
  });

  it("answers 415 for a body that is not JSON", async () => {
    const { response, json } = await post(undefined, { raw: "alert!", headers: { Authorization: AUTH.Authorization, "Content-Type": "text/plain" } });
    expect(response.status).toBe(415);
    expect(json.error.code).toBe("unsupported_media_type");
  });

  it("answers 413 for a body over the size cap", async () => {
    const big = alertmanagerBody([{ annotations: { description: "x".repeat(2.5 * 1024 * 1024) } }]);
    const { response, json } = await post(big);
    expect(response.status).toBe(413);
    expect(json.error.code).toBe("payload_too_large");
  });

  it("answers 503 when the queue refuses, and treats the sender's retry as new", async () => {
    const name = uniqueAlertName();
    const failed = await post(bodyFor(name), { queue: recordingQueue({ fail: true }) });
    expect(failed.response.status).toBe(503);
    expect(failed.json.error).toMatchObject({ code: "unavailable" });
    const retry = await post(bodyFor(name));
    expect(retry.response.status).toBe(202);
    expect(retry.json.results[0].status).toBe("accepted");
    expect(retry.queue.sent).toHaveLength(1);
  });

  it("answers JSON 404 for unknown paths", async () => {
    const response = await exports.default.fetch(new Request("https://awoooi.test/api/v1/webhooks/nagios", { method: "POST" }));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
