import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../../shared/adapters/neon-kysely-db.ts";
import type { Priority } from "../../../shared/contracts/alert.ts";
import type { AnalysisAttempt } from "../../../shared/contracts/analysis.ts";
import { normalizedAlert } from "../../support/fixtures/messages.ts";
import { dbForTests } from "../../support/worker/env.ts";
import { ops } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Noon UTC on a day no other test touches: everything below happens before it. */
const B = Date.UTC(2033, 0, 1) + Math.floor(Math.random() * 3_000) * DAY + 12 * HOUR;
const t = (offsetMs: number) => new Date(B + offsetMs);

interface Seed {
  priority: Priority;
  opened: number;
  resolved?: number;
  approval?: { auto: boolean; status: string; created: number; decided?: number };
  execution?: { dryRun: boolean; status: "succeeded" | "failed"; finished: number };
  attempts?: AnalysisAttempt[];
}

async function seed({ priority, opened, resolved, approval, execution, attempts }: Seed) {
  const id = crypto.randomUUID();
  const alert = normalizedAlert({ priority, fired_at: t(opened).toISOString() });
  await db
    .insertInto("incidents")
    .values({
      id,
      fingerprint: id.replaceAll("-", "").slice(0, 16),
      status: resolved === undefined ? "analyzed" : "resolved",
      alert_type: alert.alert_type,
      source: alert.source,
      severity: alert.severity,
      priority,
      alert: json(alert),
      correlation_id: "stats",
      opened_at: t(opened),
      resolved_at: resolved === undefined ? null : t(resolved),
      ...(attempts ? { analysis_attempts: json(attempts) } : {}),
    })
    .execute();
  if (!approval) return;
  const approvalId = crypto.randomUUID();
  await db
    .insertInto("approvals")
    .values({
      id: approvalId,
      incident_id: id,
      status: approval.status as "PENDING",
      risk_level: approval.auto ? "low" : "high",
      required_signatures: approval.auto ? 0 : 1,
      auto_approved: approval.auto,
      reasons: json([]),
      action: json({ operation: "DELETE_POD", command: "kubectl delete pod p", description: "d" }),
      expires_at: t(approval.created + 30 * DAY),
      decided_at: approval.decided === undefined ? null : t(approval.decided),
      created_at: t(approval.created),
      updated_at: t(approval.created),
    })
    .execute();
  if (!execution) return;
  await db
    .insertInto("executions")
    .values({
      id: crypto.randomUUID(),
      approval_id: approvalId,
      incident_id: id,
      status: execution.status,
      dry_run: execution.dryRun,
      automatic: approval.auto,
      operation: "DELETE_POD",
      command: "kubectl delete pod p",
      requested_at: t(approval.created),
      finished_at: t(execution.finished),
    })
    .execute();
}

const stats = async (path: string) => {
  const response = await ops(`${path}${path.includes("?") ? "&" : "?"}at=${encodeURIComponent(t(0).toISOString())}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, any>;
};

beforeAll(async () => {
  // I1: P0, auto-approved, ran for real and worked; open 1 h.
  await seed({
    priority: "P0",
    opened: -10 * HOUR,
    resolved: -9 * HOUR,
    approval: { auto: true, status: "EXECUTED", created: -10 * HOUR, decided: -10 * HOUR },
    execution: { dryRun: false, status: "succeeded", finished: -9.5 * HOUR },
    attempts: [
      { provider: "ollama", outcome: "skipped", reason: "not configured", at: t(-10 * HOUR).toISOString() },
      { provider: "gemini", outcome: "verdict", duration_ms: 900, input_tokens: 2_000_000, output_tokens: 200_000, at: t(-10 * HOUR).toISOString() },
    ],
  });
  // I2: P0, a human approved after 10 min (response SLA 5 min: missed); open 2 h.
  await seed({
    priority: "P0",
    opened: -20 * HOUR,
    resolved: -18 * HOUR,
    approval: { auto: false, status: "EXECUTED", created: -20 * HOUR, decided: -20 * HOUR + 600_000 },
    execution: { dryRun: false, status: "succeeded", finished: -19 * HOUR },
    attempts: [
      { provider: "ollama", outcome: "submitted", duration_ms: 4, at: t(-20 * HOUR).toISOString() },
      { provider: "ollama", outcome: "failed", reason: "relay error: busy", at: t(-20 * HOUR).toISOString() },
      { provider: "anthropic", outcome: "verdict", duration_ms: 1_500, input_tokens: 1_000_000, output_tokens: 100_000, at: t(-20 * HOUR).toISOString() },
    ],
  });
  // I3: P1, a human approved after 5 min (SLA 15 min: met); open 30 min.
  await seed({
    priority: "P1",
    opened: -3 * DAY,
    resolved: -3 * DAY + 1_800_000,
    approval: { auto: false, status: "APPROVED", created: -3 * DAY, decided: -3 * DAY + 300_000 },
  });
  // I4: P2, still pending after 2 h (SLA 1 h: missed); still open but inside its 8 h resolution SLA.
  await seed({ priority: "P2", opened: -2 * HOUR, approval: { auto: false, status: "PENDING", created: -2 * HOUR } });
  // I5: P3, no approval (notify only), open 30 h: past its 24 h resolution SLA.
  await seed({ priority: "P3", opened: -30 * HOUR });
  // I6: P1, auto-approved but only a dry run: not an automatic resolution; open 1 h.
  await seed({
    priority: "P1",
    opened: -5 * HOUR,
    resolved: -4 * HOUR,
    approval: { auto: true, status: "EXECUTED", created: -5 * HOUR, decided: -5 * HOUR },
    execution: { dryRun: true, status: "succeeded", finished: -4.5 * HOUR },
  });
});

describe("stats API with seeded incidents", () => {
  it("computes the autonomy index over 24 h and 7 d, with a daily series", async () => {
    const body = await stats("/api/v1/stats/autonomy");
    expect(body.last_24h).toEqual({ auto_resolved: 1, human_resolved: 1, autonomy_index: 50 });
    expect(body.last_7d).toEqual({ auto_resolved: 1, human_resolved: 2, autonomy_index: 33.3 });
    expect(body.daily).toHaveLength(7);
    expect(body.daily[6]).toMatchObject({ date: t(0).toISOString().slice(0, 10), auto_resolved: 1, human_resolved: 0, autonomy_index: 100 });
    expect(body.daily[5]).toMatchObject({ auto_resolved: 0, human_resolved: 1, autonomy_index: 0 });
    expect(body.daily[3]).toMatchObject({ auto_resolved: 0, human_resolved: 1 });
    expect(body.daily[4]).toMatchObject({ auto_resolved: 0, human_resolved: 0, autonomy_index: null });
  });

  it("computes MTTR overall, automatic vs human, and per priority", async () => {
    const body = await stats("/api/v1/stats/mttr");
    expect(body).toMatchObject({
      window: "7d",
      incidents: 4,
      mttr_seconds: 4_050,
      auto: { incidents: 2, mttr_seconds: 3_600 },
      human: { incidents: 2, mttr_seconds: 4_500 },
    });
    expect(body.by_priority.P0).toMatchObject({ incidents: 2, mttr_seconds: 5_400, auto: { mttr_seconds: 3_600 }, human: { mttr_seconds: 7_200 } });
    expect(body.by_priority.P1).toMatchObject({ incidents: 2, mttr_seconds: 2_700 });
    expect(body.by_priority.P3).toMatchObject({ incidents: 0, mttr_seconds: null });
    expect((await stats("/api/v1/stats/mttr?window=24h")).incidents).toBe(3);
  });

  it("computes SLO attainment for responses and resolutions, counting only what is already decided", async () => {
    const body = await stats("/api/v1/stats/slo");
    expect(body.approvals_answered_within_sla).toMatchObject({ within: 1, total: 3, percent: 33.3 });
    expect(body.approvals_answered_within_sla.by_priority).toMatchObject({
      P0: { within: 0, total: 1, percent: 0 },
      P1: { within: 1, total: 1, percent: 100 },
      P2: { within: 0, total: 1 },
    });
    expect(body.incidents_resolved_within_sla).toMatchObject({ within: 2, total: 5, percent: 40 });
    expect(body.incidents_resolved_within_sla.by_priority.P2).toMatchObject({ within: 0, total: 0, percent: null });
    expect(body.response_sla_seconds).toEqual({ P0: 300, P1: 900, P2: 3_600, P3: 14_400 });
  });

  it("reports LLM use per provider: calls, failures, tokens, the estimated cost and latency", async () => {
    const llm = await stats("/api/v1/stats/llm?window=7d");
    // Gemini 2.5 Flash: 2 M × $0.30 + 0.2 M × $2.50 = $1.10; Claude Haiku 4.5: 1 M × $1 + 0.1 M × $5 = $1.50.
    expect(llm.providers.gemini).toEqual({
      calls: 1,
      failures: 0,
      input_tokens: 2_000_000,
      output_tokens: 200_000,
      cost_usd: 1.1,
      latency_ms: { p50: 900, p95: 900 },
    });
    expect(llm.providers.anthropic).toMatchObject({ calls: 1, failures: 0, cost_usd: 1.5 });
    expect(llm.providers.ollama).toMatchObject({ calls: 1, failures: 1, input_tokens: 0, cost_usd: 0 });
    expect(llm.total).toEqual({ calls: 3, input_tokens: 3_000_000, output_tokens: 300_000, cost_usd: 2.6 });
    expect(llm.prices_usd_per_mtok.gemini).toEqual({ input_per_mtok: 0.3, output_per_mtok: 2.5 });
  });

  it("names the bad parameter", async () => {
    const response = await ops("/api/v1/stats/mttr?window=1y");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]?.field).toBe("window");
  });

  it("answers the overview with counts and 24 h volume", async () => {
    const body = await stats("/api/v1/stats/overview");
    expect(body).toMatchObject({ open_incidents: expect.any(Number), pending_approvals: expect.any(Number), alerts_24h: 0, dedup_ratio_24h: null });
    expect(body.open_incidents).toBeGreaterThanOrEqual(2);
  });
});
