// /metrics after real traffic through the whole local stack: counters written
// by webhook-receive, analyze, classify and notify into one Redis hash, summed
// and exposed by approve.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { sampleAlertmanagerBody } from "../../scripts/lib/dev-defaults.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ port: await freePort(), purpose: "test", redisDb: 7, persistTo: mkdtempSync(join(tmpdir(), "awoooi-metrics-")) });
});
afterAll(async () => {
  await stack?.stop();
});

function alertFor(pod: string) {
  const body = sampleAlertmanagerBody() as { alerts: Array<{ labels: Record<string, string> }> };
  body.alerts[0]!.labels.pod = pod;
  return body;
}

async function post(body: unknown, token = stack.vars.WEBHOOK_TOKEN) {
  return fetch(`${stack.baseUrl}/api/v1/webhooks/alertmanager`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Approval requests in the dev inbox (a P0/P1 is also announced at admission, a notice of its own). */
const inboxCount = async () =>
  ((await (await fetch(`${stack.baseUrl}/dev/inbox`)).json()) as { messages: Array<{ kind: string }> }).messages.filter((m) => m.kind === "approval_requested")
    .length;

describe("GET /metrics after traffic", () => {
  it("counts what every function did, exactly, in valid Prometheus text format", async () => {
    expect((await post(alertFor("api-1"))).status).toBe(202);
    await expect.poll(inboxCount, { timeout: 30_000, interval: 250 }).toBe(1);
    expect((await post(alertFor("api-1"))).status).toBe(202); // a repeat: aggregated
    expect((await post(alertFor("api-1"), "wrong-token-123")).status).toBe(401);
    // A fourth request carries the first three's latencies and the refusal along with its own admission.
    expect((await post(alertFor("api-2"))).status).toBe(202);
    await expect.poll(inboxCount, { timeout: 30_000, interval: 250 }).toBe(2);

    const response = await fetch(`${stack.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/plain");
    const text = await response.text();
    const families = parsePrometheusTextFormat(text);
    const value = (name: string, labels: Record<string, string> = {}) => {
      const family = families.find((f) => f.name === name);
      const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
      return sample?.value === undefined ? undefined : Number(sample.value);
    };

    expect(value("awoooi_alerts_received_total", { source: "alertmanager", status: "accepted" })).toBe(2);
    expect(value("awoooi_alerts_received_total", { source: "alertmanager", status: "aggregated" })).toBe(1);
    expect(value("awoooi_alerts_received_total", { source: "alertmanager", status: "rejected" })).toBe(1);
    expect(value("awoooi_alerts_deduplicated_total", { reason: "duplicate" })).toBe(1);
    expect(value("awoooi_incidents_total", { source: "alertmanager", severity: "critical" })).toBe(2);
    expect(value("awoooi_approvals_created_total", { risk_level: "high" })).toBe(2);
    // Each critical incident: its announcement at admission, then its approval request.
    expect(value("awoooi_notifications_total", { channel: "dev-inbox", outcome: "sent" })).toBe(4);
    expect(value("awoooi_last_alert_received_timestamp")).toBeGreaterThan(Date.now() / 1000 - 300);

    const latency = families.find((f) => f.name === "awoooi_webhook_latency_seconds");
    expect(latency?.type).toBe("HISTOGRAM");
    expect(latency?.metrics[0]?.buckets?.["+Inf"]).toBe("3");
    expect(text).toContain('awoooi_webhook_latency_seconds_count{webhook_type="alertmanager"} 3');
    expect(text).toMatch(/awoooi_webhook_latency_seconds_sum\{webhook_type="alertmanager"\} [0-9.e-]+/);
    expect(families.find((f) => f.name === "awoooi_ollama_analysis_duration_seconds")?.type).toBe("HISTOGRAM");

    // The same traffic as alert volume: 3 alerts fired, 2 incidents opened.
    const overview = (await (
      await fetch(`${stack.baseUrl}/api/v1/stats/overview`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } })
    ).json()) as Record<string, unknown>;
    expect(overview).toMatchObject({ alerts_24h: 3, incidents_opened_24h: 2, dedup_ratio_24h: 0.333, open_incidents: 2, pending_approvals: 2 });
  });
});
