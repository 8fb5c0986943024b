import { describe, expect, it } from "vitest";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import type { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { fingerprintOf } from "../../../shared/domain/fingerprint.ts";
import { OVERFLOW_ALERT_TYPE, STORM_ALERT_TYPE } from "../../../shared/domain/synthetic-incidents.ts";
import { alertmanagerBody, uniqueAlertName } from "../../support/fixtures/alertmanager.ts";
import { recordingQueue } from "../../support/fixtures/messages.ts";
import { redisForTests, testEnv } from "../../support/worker/env.ts";
import { analyses, postTo } from "./support.ts";

const canonical = (alert_type: string, target: string, namespace = "limits") => ({
  alert_type,
  severity: "warning",
  source: "ci",
  namespace,
  target_resource: target,
  message: "m",
});

describe("rate limit", () => {
  // The counter is per source and minute, shared with other tests: a limit of 1 is exceeded once anything opened this minute.
  it("answers 429 with Retry-After to senders that retry, and stores nothing", async () => {
    const env = { RATE_LIMIT_PER_MINUTE: "100000" };
    const opened = await postTo("alerts", [canonical(uniqueAlertName(), "a")], { env });
    expect(opened.response.status).toBe(202);
    const name = uniqueAlertName();
    // A limit of 1 is already used up by the request above (and by other tests this minute).
    const refused = await postTo("alerts", [canonical(name, "b")], { env: { RATE_LIMIT_PER_MINUTE: "1" } });
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.json.error.code).toBe("rate_limited");
    expect(refused.queue.sent).toHaveLength(0);
    const fp = await fingerprintOf({ alert_type: name, namespace: "limits", target_resource: "b" });
    expect(await redisForTests().get(`awoooi:fp:${fp}`)).toBeNull();
  });

  it("still aggregates repeats of open incidents when over the limit", async () => {
    const alert = canonical(uniqueAlertName(), "c");
    await postTo("alerts", [alert], { env: { RATE_LIMIT_PER_MINUTE: "100000" } });
    const repeat = await postTo("alerts", [alert], { env: { RATE_LIMIT_PER_MINUTE: "1" } });
    expect(repeat.response.status).toBe(202);
    expect(repeat.json.results[0].status).toBe("aggregated");
  });

  it("absorbs Alertmanager's over-limit alerts into one overflow incident instead of refusing them", async () => {
    const env = { RATE_LIMIT_PER_MINUTE: "1" };
    const names = [uniqueAlertName(), uniqueAlertName(), uniqueAlertName()];
    const { response, json, queue } = await postTo(
      "alertmanager",
      alertmanagerBody(names.map((alertname, i) => ({ labels: { alertname, namespace: `ns${i}` } }))),
      { env },
    );
    expect(response.status).toBe(202);
    const limited = json.results.filter((r: { status: string }) => r.status === "rate_limited");
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(new Set(limited.map((r: { incident_id: string }) => r.incident_id)).size).toBe(1);
    const overflow = analyses(queue).filter((m) => m.payload.alert.alert_type === OVERFLOW_ALERT_TYPE);
    expect(overflow.length).toBeLessThanOrEqual(1);
  });
});

describe("storm guard", () => {
  it("opens one storm incident for more than 10 new fingerprints of one alert type and namespace within a minute", async () => {
    const type = uniqueAlertName("Storm");
    const alerts = Array.from({ length: 15 }, (_, i) => ({ labels: { alertname: type, namespace: "storm", pod: `pod-${i}` } }));
    const { json, queue } = await postTo("alertmanager", alertmanagerBody(alerts), { env: { RATE_LIMIT_PER_MINUTE: "100000" } });
    const statuses = json.results.map((r: { status: string }) => r.status);
    expect(statuses.filter((s: string) => s === "accepted")).toHaveLength(10);
    expect(statuses.filter((s: string) => s === "storm")).toHaveLength(5);
    const storm = analyses(queue).filter((m) => m.payload.alert.alert_type === STORM_ALERT_TYPE);
    expect(storm).toHaveLength(1);
    expect(storm[0]!.payload.alert).toMatchObject({ namespace: "storm", target_resource: type });
    expect(analyses(queue)).toHaveLength(11);

    // Repeats of absorbed fingerprints keep landing on the storm incident.
    const repeat = await postTo("alertmanager", alertmanagerBody([alerts[14]!]));
    expect(repeat.json.results[0]).toMatchObject({ status: "aggregated", incident_id: storm[0]!.payload.incident_id });
  });

  it("turns 10,000 alerts over 50 fingerprints into exactly 50 incidents whose hit counts sum to 10,000", async () => {
    const queue = recordingQueue<AnalyzeQueueMessage>();
    const env = { RATE_LIMIT_PER_MINUTE: "100000" };
    // 50 fingerprints in 10 storm groups of 5: a noisy estate, not a storm.
    const fingerprints = Array.from({ length: 50 }, (_, i) => ({ alertname: uniqueAlertName(`Noisy${i % 10}`), namespace: `ns${i % 10}`, pod: `pod-${i}` }));
    const ids = new Set<string>();
    for (let request = 0; request < 100; request++) {
      const alerts = Array.from({ length: 100 }, (_, i) => ({ labels: fingerprints[(request * 100 + i) % 50]! }));
      const { response, json } = await postTo("alertmanager", alertmanagerBody(alerts), { env, queue });
      expect(response.status).toBe(202);
      for (const r of json.results) ids.add(r.incident_id);
    }
    expect(analyses(queue)).toHaveLength(50);
    expect(ids.size).toBe(50);
    const index = createUpstashAlertIndex(redisForTests());
    const hits = await Promise.all([...ids].map(async (id) => (await index.counters(id))?.hitCount ?? 0));
    expect(hits.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});

describe("cost", () => {
  // A REST endpoint of its own (see test/support/global-setup.ts), so parallel projects do not disturb the count.
  const metered = testEnv.METERED_REDIS_REST_URL!;
  const stats = async (reset = false) =>
    (await (await fetch(`${metered}/_awoooi/stats`, { method: reset ? "DELETE" : "GET" })).json()) as {
      requests: number;
      commands: number;
      commandNames: string[];
    };

  it.each([1, 100])("is one Redis command and one REST round trip for a request of %d alert(s)", async (count) => {
    const env = { UPSTASH_REDIS_REST_URL: metered, RATE_LIMIT_PER_MINUTE: "100000" };
    // Warm-up: the first call may load the script (EVALSHA → NOSCRIPT → EVAL) once per Redis.
    await postTo("alertmanager", alertmanagerBody([{ labels: { alertname: uniqueAlertName("Warm") } }]), { env });
    const type = uniqueAlertName("Cost");
    const alerts = Array.from({ length: count }, (_, i) => ({ labels: { alertname: `${type}${i % 10}`, namespace: "cost", pod: `p${i}` } }));
    await stats(true);
    const { response } = await postTo("alertmanager", alertmanagerBody(alerts), { env });
    expect(response.status).toBe(202);
    expect(await stats()).toMatchObject({ requests: 1, commands: 1, commandNames: ["EVALSHA"] });
  });
});
