import type { NormalizedAlert } from "../contracts/alert.ts";
import type { CanonicalAlertInput } from "../contracts/sources/canonical.ts";

/** Alert type of the synthetic end-to-end smoke alert (seed 002 Phase F: test the whole chain, not a heartbeat). */
export const SMOKE_ALERT_TYPE = "E2E_SMOKE_TEST";
export const SMOKE_NAMESPACE = "awoooi-smoke";
export const SMOKE_SOURCE = "awoooi-smoke";

/** The stages a smoke run is stamped at, in chain order. */
export const SMOKE_STAGES = ["sent", "received", "analyzed", "classified", "notified"] as const;
export type SmokeStage = (typeof SMOKE_STAGES)[number];

export const isSmokeAlert = (alert: Pick<NormalizedAlert, "alert_type">) => alert.alert_type === SMOKE_ALERT_TYPE;

/** The run id a smoke alert carries (its target resource, so every run is its own fingerprint). */
export const smokeRunOf = (alert: Pick<NormalizedAlert, "alert_type" | "target_resource">) => (isSmokeAlert(alert) ? alert.target_resource : undefined);

export const newSmokeRunId = (nowMs: number, random: string) => `smoke-${nowMs}-${random.slice(0, 8)}`;
export const SMOKE_RUN_ID = /^smoke-\d{10,16}-[0-9a-f]{8}$/;

/** The synthetic alert as the canonical webhook takes it. */
export function smokeAlert(runId: string, status: "firing" | "resolved", at: Date): CanonicalAlertInput {
  return {
    alert_type: SMOKE_ALERT_TYPE,
    severity: "info",
    source: SMOKE_SOURCE,
    status,
    namespace: SMOKE_NAMESPACE,
    target_resource: runId,
    message: `Synthetic end-to-end smoke test ${runId}: checks that an alert travels through every stage.`,
    labels: { synthetic: "true", smoke_run: runId },
    fired_at: at.toISOString(),
  };
}

export type SmokeStamps = Readonly<Partial<Record<SmokeStage, number>>>;

export type SmokeVerdict =
  | { readonly state: "passed"; readonly totalMs: number }
  | { readonly state: "running"; readonly reached: SmokeStage | undefined }
  | { readonly state: "failed"; readonly missing: SmokeStage; readonly reached: SmokeStage | undefined };

/** Where a run stands: passed once notified within the deadline; failed once the deadline passed short of that. */
export function judgeSmokeRun(stamps: SmokeStamps, deadlineMs: number, nowMs: number): SmokeVerdict {
  const started = stamps.sent;
  const reached = [...SMOKE_STAGES].reverse().find((stage) => stamps[stage] !== undefined);
  if (started !== undefined && stamps.notified !== undefined && stamps.notified - started <= deadlineMs)
    return { state: "passed", totalMs: stamps.notified - started };
  if (started === undefined || nowMs - started <= deadlineMs) return { state: "running", reached };
  const missing = SMOKE_STAGES.find((stage) => stamps[stage] === undefined) ?? "notified";
  return { state: "failed", missing, reached };
}

/** Per-stage latency from the previous stage, for people reading a run. */
export function stageLatencies(stamps: SmokeStamps): Array<{ stage: SmokeStage; at: number | null; ms_from_previous: number | null }> {
  let previous: number | undefined;
  return SMOKE_STAGES.map((stage) => {
    const at = stamps[stage];
    const entry = { stage, at: at ?? null, ms_from_previous: at !== undefined && previous !== undefined ? at - previous : null };
    if (at !== undefined) previous = at;
    return entry;
  });
}
