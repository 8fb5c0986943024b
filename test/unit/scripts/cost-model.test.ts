import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { includedAlerts, mixOf, monthlyFloor, Prices, type UnitsPerAlert, usdPerAlert } from "../../../scripts/lib/cost-model.ts";

const prices = Prices.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../../bench/prices.json"), "utf8")));
const units: UnitsPerAlert = {
  worker_invocations: 4,
  worker_cpu_ms: 10,
  queue_operations: 9,
  upstash_commands: 5,
  postgres_statements: 12,
  postgres_transactions: 3,
  llm_calls: 0,
  llm_tokens: 0,
};

describe("the cost model", () => {
  it("prices each unit by the table: requests, CPU ms, queue operations and Upstash commands", () => {
    const { items, total } = usdPerAlert(units, prices);
    expect(items.workers_requests).toBeCloseTo((4 * 0.3) / 1e6, 12);
    expect(items.workers_cpu).toBeCloseTo((10 * 0.02) / 1e6, 12);
    expect(items.queue_operations).toBeCloseTo((9 * 0.4) / 1e6, 12);
    expect(items.upstash_commands).toBeCloseTo((5 * 2) / 1e6, 12);
    expect(total * 1e6).toBeCloseTo(1.2 + 0.2 + 3.6 + 10, 9);
  });

  it("weights shapes into a mix, and counts the alerts each allowance covers", () => {
    expect(mixOf({ unique: 10, duplicate: 1, storm: 2 }, { unique: 0.09, duplicate: 0.9, storm: 0.01 })).toBeCloseTo(0.9 + 0.9 + 0.02, 12);
    expect(includedAlerts(units, prices).queue_operations).toBe(Math.floor(1_000_000 / 9));
    expect(includedAlerts({ ...units, queue_operations: 0 }, prices).queue_operations).toBeNull();
    expect(monthlyFloor(prices)).toEqual({ workers_paid_plan: 5, neon_compute: Number((0.25 * 730 * 0.106).toFixed(2)) });
  });

  it("refuses a price file without the date its prices were read", () => {
    const { read_on: _, ...undated } = JSON.parse(readFileSync(join(import.meta.dirname, "../../../bench/prices.json"), "utf8"));
    expect(Prices.safeParse(undated).success).toBe(false);
  });
});
