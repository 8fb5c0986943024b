import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METRICS } from "../../shared/domain/metrics-catalog.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Metric names an expression uses (series selectors of our prefix). */
const metricsIn = (expr: string) => [...expr.matchAll(/\b(awoooi_[a-z_]+?)(?:_bucket|_sum|_count)?\b(?=[{[\s)]|$)/g)].map((m) => m[1]!);
const known = new Set(METRICS.map((m) => m.name));

describe("monitoring assets", () => {
  it("alert rules use only metrics the bundle exposes, and cover the chain, silence, Ollama, fallbacks and dead letters", () => {
    const rules = read("infra/prometheus/awoooi-rules.yml");
    const exprs = [...rules.matchAll(/expr: (\|\n((?:\s{10}.*\n)+)|.*)/g)].map((m) => (m[2] ?? m[1])!);
    expect(exprs.length).toBeGreaterThanOrEqual(6);
    for (const expr of exprs) for (const name of metricsIn(expr)) expect(known, `${name} in ${expr.trim()}`).toContain(name);
    for (const alert of ["AwoooiAlertChainBroken", "AwoooiNoAlertsReceived", "AwoooiOllamaSlow", "AwoooiFallbackRateHigh", "AwoooiDeadLettersGrowing"]) {
      expect(rules).toContain(`alert: ${alert}`);
    }
    expect(rules).toMatch(/awoooi_last_alert_received_timestamp > 7200/);
  });

  it("the Grafana dashboard is valid JSON over known metrics", () => {
    const dashboard = JSON.parse(read("infra/grafana/awoooi-dashboard.json")) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const used = new Set(exprs.flatMap(metricsIn));
    for (const name of used) expect(known).toContain(name);
    for (const name of known) expect(used, `dashboard shows ${name}`).toContain(name);
  });

  it("the Alertmanager snippet posts to the alertmanager webhook with resolutions", () => {
    const receiver = read("infra/alertmanager/receiver.yml");
    expect(receiver).toContain("/api/v1/webhooks/alertmanager");
    expect(receiver).toContain("send_resolved: true");
  });
});
