import type { CanonicalAlertInput } from "../../../shared/contracts/sources/canonical.ts";
import { smokeAlarmSlack, smokeAlarmTelegram } from "../../../shared/domain/notify/smoke-alarm.ts";
import { judgeSmokeRun, newSmokeRunId, smokeAlert } from "../../../shared/domain/smoke.ts";
import type { Log } from "../../../shared/logging.ts";
import type { DeliveryOutcome } from "../../../shared/ports/channel-sender.ts";
import type { Metrics } from "../../../shared/ports/metrics.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";

export interface SmokeDeps {
  readonly ledger: SmokeLedger;
  readonly metrics: Metrics;
  /** Sends a canonical alert through the real webhook path; answers its HTTP status. */
  readonly postAlert: (alert: CanonicalAlertInput) => Promise<number>;
  /** Direct senders for the alarm (never through the queues being tested). */
  readonly alarm: {
    readonly telegram?: (message: ReturnType<typeof smokeAlarmTelegram>) => Promise<DeliveryOutcome>;
    readonly slack?: (message: ReturnType<typeof smokeAlarmSlack>) => Promise<DeliveryOutcome>;
  };
  readonly intervalMs: number;
  readonly deadlineMs: number;
  readonly randomHex: () => string;
  readonly log: Log;
}

export type SmokeTick =
  | { readonly action: "disabled" }
  | { readonly action: "waiting"; readonly runId: string }
  | { readonly action: "started"; readonly runId: string; readonly previous?: "passed" | "failed" | undefined };

/**
 * One cron tick of the chain smoke test: judge the previous run (once), then
 * start a new one when the interval has passed. A passed run moves
 * `awoooi_alert_chain_last_success_timestamp` and closes its synthetic
 * incident; a failed one raises the alarm straight to the chat APIs.
 */
export async function smokeTick(deps: SmokeDeps, nowMs: number): Promise<SmokeTick> {
  if (deps.intervalMs <= 0) return { action: "disabled" };
  let previous: "passed" | "failed" | undefined;
  const latest = await deps.ledger.latest();
  if (latest) {
    const stamps = (await deps.ledger.read(latest)) ?? {};
    const verdict = judgeSmokeRun(stamps, deps.deadlineMs, nowMs);
    if (verdict.state !== "running" && (await deps.ledger.claimVerdict(latest))) {
      previous = verdict.state;
      if (verdict.state === "passed") {
        await deps.metrics.set("awoooi_alert_chain_last_success_timestamp", stamps.notified! / 1000);
        await deps.postAlert(smokeAlert(latest, "resolved", new Date(nowMs))).catch(() => 0);
      } else {
        await deps.metrics.increment("awoooi_alert_chain_smoke_failures_total");
        await raiseAlarm(deps, {
          runId: latest,
          missing: verdict.missing,
          reached: verdict.reached,
          deadlineSeconds: deps.deadlineMs / 1000,
          stamps,
          lastSuccessAt: undefined,
        });
      }
    }
    if (stamps.sent !== undefined && nowMs - stamps.sent < deps.intervalMs) return { action: "waiting", runId: latest };
  }
  const runId = newSmokeRunId(nowMs, deps.randomHex());
  await deps.ledger.setLatest(runId);
  await deps.ledger.stamp(runId, "sent", nowMs);
  const status = await deps.postAlert(smokeAlert(runId, "firing", new Date(nowMs))).catch((error: unknown) => {
    deps.log("smoke_send_failed", { runId, error: String(error) });
    return 0;
  });
  if (status !== 202) deps.log("smoke_send_refused", { runId, status });
  return { action: "started", runId, previous };
}

async function raiseAlarm(deps: SmokeDeps, alarm: Parameters<typeof smokeAlarmTelegram>[0]): Promise<void> {
  deps.log("smoke_failed", { runId: alarm.runId, missing: alarm.missing, reached: alarm.reached ?? null });
  const outcomes = await Promise.all([deps.alarm.telegram?.(smokeAlarmTelegram(alarm)), deps.alarm.slack?.(smokeAlarmSlack(alarm))]);
  for (const outcome of outcomes) {
    if (outcome && outcome.kind !== "sent") deps.log("smoke_alarm_failed", { runId: alarm.runId, reason: outcome.reason });
  }
}
