import { describe, expect, it } from "vitest";
import { hexHmacSha256 } from "../../../shared/http/signatures.ts";
import { uniqueAlertName } from "../../support/fixtures/alertmanager.ts";
import { grafanaBody, scannerReport, sentryEventAlert, sentryIssue, signozBody } from "../../support/fixtures/sources.ts";
import { analyses, BEARER, postTo } from "./support.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => new Uint8Array(encoder.encode(text));
const SENTRY_SECRET = "sentry-client-secret-0123456789";
const GRAFANA_SECRET = "grafana-hmac-secret-0123456789";

/** Flips one byte of the body text (inside a string value, so it stays valid JSON). */
const tamper = (raw: string) => raw.replace("division by zero", "division by zerO").replace("CPU above", "CPU abovE");

describe("Grafana", () => {
  it("accepts a unified-alerting body with the bearer token", async () => {
    const { response, json, queue } = await postTo(
      "grafana",
      grafanaBody({}, { labels: { alertname: uniqueAlertName("Grafana"), namespace: "shop", deployment: "checkout", severity: "critical" } }),
    );
    expect(response.status).toBe(202);
    expect(json.results[0].status).toBe("accepted");
    expect(analyses(queue)[0]?.payload.alert).toMatchObject({ source: "grafana", metrics: { value_B: 93.5 } });
  });

  describe("with an HMAC secret configured", () => {
    const env = { GRAFANA_WEBHOOK_SECRET: GRAFANA_SECRET, GRAFANA_TIMESTAMP_HEADER: "X-Grafana-Alerting-Timestamp" };
    const body = () => JSON.stringify(grafanaBody({}, { labels: { alertname: uniqueAlertName("Signed"), namespace: "shop" } }));
    const sign = async (raw: string, ts: string) => hexHmacSha256(GRAFANA_SECRET, bytes(`${ts}:${raw}`));
    const headers = (signature: string, ts: string) => ({
      "Content-Type": "application/json",
      "X-Grafana-Alerting-Signature": signature,
      "X-Grafana-Alerting-Timestamp": ts,
    });

    it("accepts a body signed over timestamp:body", async () => {
      const raw = body();
      const ts = String(Math.floor(Date.now() / 1000));
      const { response } = await postTo("grafana", undefined, { raw, env, headers: headers(await sign(raw, ts), ts) });
      expect(response.status).toBe(202);
    });

    it("refuses the same signature when one byte of the body changed", async () => {
      const raw = body();
      const ts = String(Math.floor(Date.now() / 1000));
      const { response, json, queue } = await postTo("grafana", undefined, { raw: tamper(raw), env, headers: headers(await sign(raw, ts), ts) });
      expect(response.status).toBe(401);
      expect(json.error.code).toBe("unauthorized");
      expect(queue.sent).toHaveLength(0);
    });

    it("refuses a stale timestamp, a missing signature and a bearer token alone", async () => {
      const raw = body();
      const old = String(Math.floor(Date.now() / 1000) - 3_600);
      expect((await postTo("grafana", undefined, { raw, env, headers: headers(await sign(raw, old), old) })).response.status).toBe(401);
      expect((await postTo("grafana", undefined, { raw, env, headers: { "Content-Type": "application/json" } })).response.status).toBe(401);
      expect((await postTo("grafana", undefined, { raw, env })).response.status).toBe(401);
    });
  });
});

describe("SigNoz", () => {
  it("accepts Basic auth with the token as password (how SigNoz sends its secret)", async () => {
    const body = signozBody({
      labels: { alertname: uniqueAlertName("Latency"), ruleId: "42", ruleSource: "https://signoz.example/alerts/edit?ruleId=42", severity: "warning" },
    });
    const basic = { Authorization: `Basic ${btoa(`:${testToken()}`)}`, "Content-Type": "application/json" };
    const { response, queue } = await postTo("signoz", body, { headers: basic });
    expect(response.status).toBe(202);
    expect(analyses(queue)[0]?.payload.alert).toMatchObject({ source: "signoz", generator_url: "https://signoz.example/alerts/edit?ruleId=42" });
  });

  it("refuses Basic auth with a wrong password", async () => {
    const { response } = await postTo("signoz", signozBody(), { headers: { Authorization: `Basic ${btoa("x:nope")}`, "Content-Type": "application/json" } });
    expect(response.status).toBe(401);
  });
});

describe("Sentry", () => {
  const env = { SENTRY_CLIENT_SECRET: SENTRY_SECRET };
  const headers = async (raw: string, resource = "event_alert") => ({
    "Content-Type": "application/json",
    "Sentry-Hook-Resource": resource,
    "Sentry-Hook-Timestamp": String(Math.floor(Date.now() / 1000)),
    "Sentry-Hook-Signature": await hexHmacSha256(SENTRY_SECRET, bytes(raw)),
  });
  const uniqueIssue = () => String(Math.floor(Math.random() * 1e12));
  // A project of its own: other tests flood the shared per-minute storm counter of project 1.
  const project = () => Math.floor(Math.random() * 1e9);

  it("accepts an issue alert signed over the raw body bytes", async () => {
    // Non-ASCII escaped the way Sentry's json.dumps writes it: the signature covers the bytes, not a re-serialization.
    const raw = JSON.stringify(sentryEventAlert({ issue_id: uniqueIssue(), project: project() })).replace("division by zero", "division by zero \\u00e9");
    const { response, json, queue } = await postTo("sentry", undefined, { raw, env, headers: await headers(raw) });
    expect(response.status).toBe(202);
    expect(json.results[0].status).toBe("accepted");
    expect(analyses(queue)[0]?.payload.alert).toMatchObject({ source: "sentry", alert_type: "SentryIssue", message: "ZeroDivisionError: division by zero é" });
  });

  it("refuses the request when one byte of the body changed", async () => {
    const raw = JSON.stringify(sentryEventAlert({ issue_id: uniqueIssue() }));
    const { response, queue } = await postTo("sentry", undefined, { raw: tamper(raw), env, headers: await headers(raw) });
    expect(response.status).toBe(401);
    expect(queue.sent).toHaveLength(0);
  });

  it("refuses a missing or malformed signature", async () => {
    const raw = JSON.stringify(sentryEventAlert());
    const { "Sentry-Hook-Signature": _s, ...unsigned } = await headers(raw);
    expect((await postTo("sentry", undefined, { raw, env, headers: unsigned })).response.status).toBe(401);
    expect((await postTo("sentry", undefined, { raw, env, headers: { ...unsigned, "Sentry-Hook-Signature": "zz" } })).response.status).toBe(401);
  });

  it("refuses a correctly signed request whose Sentry-Hook-Timestamp is outside the replay window, or malformed", async () => {
    const raw = JSON.stringify(sentryEventAlert({ issue_id: uniqueIssue(), project: project() }));
    const signed = await headers(raw);
    for (const timestamp of [String(Math.floor(Date.now() / 1000) - 3_600), String(Math.floor(Date.now() / 1000) + 3_600), "yesterday"]) {
      const { response, json, queue } = await postTo("sentry", undefined, { raw, env, headers: { ...signed, "Sentry-Hook-Timestamp": timestamp } });
      expect(response.status, timestamp).toBe(401);
      expect(json.error.message).toMatch(/Sentry-Hook-Timestamp/);
      expect(queue.sent).toHaveLength(0);
    }
    expect((await postTo("sentry", undefined, { raw, env, headers: signed })).response.status).toBe(202);
  });

  it("opens on issue created and closes on issue resolved", async () => {
    const id = uniqueIssue();
    const owner = { id: String(project()), slug: "billing" };
    const created = JSON.stringify(sentryIssue("created", { id, project: owner }));
    const opened = await postTo("sentry", undefined, { raw: created, env, headers: await headers(created, "issue") });
    expect(opened.json.results[0].status).toBe("accepted");
    const resolved = JSON.stringify(sentryIssue("resolved", { id, project: owner }));
    const closed = await postTo("sentry", undefined, { raw: resolved, env, headers: await headers(resolved, "issue") });
    expect(closed.json.results[0]).toMatchObject({ status: "resolved", incident_id: opened.json.results[0].incident_id });
  });

  it.each(["installation", "comment", "metric_alert"])("acknowledges a %s webhook without opening anything", async (resource) => {
    const raw = JSON.stringify({ action: "created", data: {} });
    const { response, json, queue } = await postTo("sentry", undefined, { raw, env, headers: await headers(raw, resource) });
    expect(response.status).toBe(202);
    expect(json.results).toEqual([]);
    expect(queue.sent).toHaveLength(0);
  });

  it("names the bad field of an issue alert", async () => {
    const raw = JSON.stringify({ action: "triggered", data: { event: { title: "x" } } });
    const { response, json } = await postTo("sentry", undefined, { raw, env, headers: await headers(raw) });
    expect(response.status).toBe(400);
    expect(json.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(["data.event.issue_id", "data.event.project"]));
  });

  it("falls back to the bearer token when no client secret is configured", async () => {
    const raw = JSON.stringify(sentryEventAlert({ issue_id: uniqueIssue() }));
    const { response } = await postTo("sentry", undefined, { raw, headers: { ...BEARER, "Sentry-Hook-Resource": "event_alert" } });
    expect(response.status).toBe(202);
  });
});

describe("security scanner", () => {
  it("opens one incident per finding; high and critical findings are critical alerts", async () => {
    const host = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const { response, json, queue } = await postTo(
      "scanner",
      scannerReport(
        [
          { host, port: 22, cvss: 7.2, finding: "Weak SSH ciphers" },
          { host, port: 6379 },
          { host, port: 80, cvss: 3.1, finding: "Server banner" },
        ],
        // A namespace of its own: the fuzz test floods the default one's per-minute storm counter.
        { namespace: uniqueAlertName("scan") },
      ),
    );
    expect(response.status).toBe(202);
    expect(json.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "accepted", "accepted"]);
    expect(analyses(queue).map((m) => [m.payload.alert.severity, m.payload.alert.priority])).toEqual([
      ["critical", "P1"],
      ["critical", "P0"],
      ["info", "P3"],
    ]);
  });

  it("accepts an empty report", async () => {
    const { response, json } = await postTo("scanner", scannerReport([]));
    expect(response.status).toBe(202);
    expect(json.results).toEqual([]);
  });
});

describe("canonical alerts", () => {
  const alert = () => ({
    alert_type: uniqueAlertName("Canonical"),
    severity: "warning",
    source: "prometheus",
    namespace: "production",
    target_resource: "api-1",
    message: "m",
  });

  it.each([
    ["one alert", () => alert()],
    ["an array", () => [alert(), alert()]],
    ["an {alerts} batch", () => ({ alerts: [alert(), alert(), alert()] })],
  ])("accepts %s", async (_case, make) => {
    const body = make();
    const count = Array.isArray(body) ? body.length : "alerts" in body ? body.alerts.length : 1;
    const { response, json } = await postTo("alerts", body);
    expect(response.status).toBe(202);
    expect(json.results).toHaveLength(count);
  });

  it("answers 400 naming the missing field", async () => {
    const { message: _m, ...incomplete } = alert();
    const { response, json } = await postTo("alerts", incomplete);
    expect(response.status).toBe(400);
    expect(JSON.stringify(json.error.fields)).toContain("message");
  });
});

describe("per-source tokens", () => {
  it("accepts only the source's own token once one is configured", async () => {
    const env = { WEBHOOK_TOKEN_SCANNER: "scanner-only-token-123" };
    const own = { Authorization: "Bearer scanner-only-token-123", "Content-Type": "application/json" };
    expect((await postTo("scanner", scannerReport([]), { env, headers: own })).response.status).toBe(202);
    expect((await postTo("scanner", scannerReport([]), { env })).response.status).toBe(401);
    expect((await postTo("alerts", { alerts: [] }, { env, headers: own })).response.status).toBe(401);
  });
});

function testToken(): string {
  return BEARER.Authorization.slice("Bearer ".length);
}
