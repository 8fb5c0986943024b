import { describe, expect, it } from "vitest";
import { MetricsBuffer } from "../../../shared/domain/metrics-buffer.ts";
import { binFor } from "../../../shared/domain/metrics-catalog.ts";

describe("binFor", () => {
  it("puts an observation in the smallest bucket at or above it, past the largest in +Inf", () => {
    expect(binFor(0.3, [0.5, 1, 2])).toBe("0.5");
    expect(binFor(1, [0.5, 1, 2])).toBe("1");
    expect(binFor(1.0001, [0.5, 1, 2])).toBe("2");
    expect(binFor(9, [0.5, 1, 2])).toBe("+Inf");
    expect(binFor(0.3, [2, 0.5, 1])).toBe("0.5");
    expect(binFor(0.3, [])).toBe("+Inf");
  });
});

describe("MetricsBuffer", () => {
  it("records one histogram observation as its bin, _sum and _count: three fields, not one per bucket above it", () => {
    const buffer = new MetricsBuffer();
    buffer.observe("awoooi_ollama_analysis_duration_seconds", 0.7, { provider: "rules" });
    expect(buffer.drain()).toEqual([
      ['awoooi_ollama_analysis_duration_seconds_bin{le="1",provider="rules"}', 1],
      ['awoooi_ollama_analysis_duration_seconds_sum{provider="rules"}', 0.7],
      ['awoooi_ollama_analysis_duration_seconds_count{provider="rules"}', 1],
    ]);
  });

  it("sums what a batch records per field, so ten incidents write each field once", () => {
    const buffer = new MetricsBuffer();
    for (let i = 0; i < 10; i++) {
      buffer.increment("awoooi_ollama_fallback_total", { provider: "gemini", reason: "not_configured" });
      buffer.observe("awoooi_ollama_analysis_duration_seconds", 0.1, { provider: "rules" });
    }
    const fields = new Map(buffer.drain());
    expect(fields.size).toBe(4);
    expect(fields.get('awoooi_ollama_fallback_total{provider="gemini",reason="not_configured"}')).toBe(10);
    expect(fields.get('awoooi_ollama_analysis_duration_seconds_bin{le="0.5",provider="rules"}')).toBe(10);
    expect(fields.get('awoooi_ollama_analysis_duration_seconds_sum{provider="rules"}')).toBeCloseTo(1);
    expect(buffer.size).toBe(0);
  });

  it("takes samples back after a failed write and adds them to what came since", () => {
    const buffer = new MetricsBuffer();
    buffer.increment("awoooi_incidents_total", { source: "x", severity: "warning" }, 2);
    const taken = buffer.drain();
    buffer.increment("awoooi_incidents_total", { source: "x", severity: "warning" });
    buffer.restore(taken);
    expect(buffer.drain()).toEqual([['awoooi_incidents_total{severity="warning",source="x"}', 3]]);
  });

  it("keeps at most its bound of distinct fields, still summing the ones it holds", () => {
    const buffer = new MetricsBuffer(2);
    buffer.increment("a_total");
    buffer.increment("b_total");
    buffer.increment("c_total");
    buffer.increment("a_total");
    expect(buffer.drain()).toEqual([
      ["a_total", 2],
      ["b_total", 1],
    ]);
  });
});
