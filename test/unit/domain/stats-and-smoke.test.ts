import { describe, expect, it } from "vitest";
import { judgeSmokeRun, stageLatencies } from "../../../shared/domain/smoke.ts";
import { volumeStats } from "../../../shared/domain/stats.ts";

describe("judgeSmokeRun", () => {
  const sent = 1_000_000;
  it("passes a run that reached notify within the deadline", () => {
    expect(judgeSmokeRun({ sent, received: sent + 10, analyzed: sent + 50, classified: sent + 80, notified: sent + 120 }, 120_000, sent + 200_000)).toEqual({
      state: "passed",
      totalMs: 120,
    });
  });
  it("waits while the deadline has not passed", () => {
    expect(judgeSmokeRun({ sent, received: sent + 10 }, 120_000, sent + 60_000)).toEqual({ state: "running", reached: "received" });
  });
  it("fails a run that stopped short once the deadline passed, naming the first missing stage", () => {
    expect(judgeSmokeRun({ sent, received: sent + 10, analyzed: sent + 20 }, 120_000, sent + 121_000)).toEqual({
      state: "failed",
      missing: "classified",
      reached: "analyzed",
    });
  });
  it("fails a run that reached notify too late", () => {
    expect(judgeSmokeRun({ sent, received: sent, analyzed: sent, classified: sent, notified: sent + 130_000 }, 120_000, sent + 140_000)).toMatchObject({
      state: "failed",
    });
  });
  it("reports per-stage latency from the stage before", () => {
    expect(stageLatencies({ sent: 100, received: 130, notified: 400 }).map((s) => s.ms_from_previous)).toEqual([null, 30, null, null, 270]);
  });
});

describe("volumeStats", () => {
  it("sums 24 h and UTC days, with the share of alerts that opened nothing", () => {
    const at = new Date(Date.UTC(2026, 10, 22, 12));
    const hourNow = Math.floor(at.getTime() / 3_600_000);
    const rows = [
      { hour: hourNow, alerts: 10, opened: 2 },
      { hour: hourNow - 5, alerts: 6, opened: 2 },
      { hour: hourNow - 30, alerts: 4, opened: 4 },
    ];
    const stats = volumeStats(rows, at);
    expect(stats.last_24h).toEqual({ alerts: 16, incidents_opened: 4, deduplicated: 12, dedup_ratio: 0.75 });
    expect(stats.daily[6]).toMatchObject({ date: "2026-11-22", alerts: 16, incidents_opened: 4 });
    expect(stats.daily[5]).toMatchObject({ date: "2026-11-21", alerts: 4, dedup_ratio: 0 });
    expect(stats.daily[0]).toMatchObject({ alerts: 0, dedup_ratio: null });
  });
});
