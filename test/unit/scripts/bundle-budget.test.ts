import { describe, expect, it } from "vitest";
import { bundleProblem } from "../../../scripts/lib/bundle-budget.ts";
import { FUNCTIONS } from "../../../scripts/workers.ts";

describe("bundle budgets", () => {
  it("fails a bundle past its own budget, or past the platform limit, and passes one within both", () => {
    expect(bundleProblem(151, 150, 3_072)).toBe("  over its 150 KiB budget (scripts/workers.ts)");
    expect(bundleProblem(3_100, 4_000, 3_072)).toBe("  over the 3072 KiB limit");
    expect(bundleProblem(150, 150, 3_072)).toBe("");
    expect(bundleProblem(200, undefined, 3_072)).toBe("");
  });

  it("gives every function a budget, and webhook-receive (the hot path) at most 150 KiB", () => {
    expect(FUNCTIONS.every((fn) => typeof fn.gzipBudgetKib === "number")).toBe(true);
    expect(FUNCTIONS.find((fn) => fn.name === "webhook-receive")?.gzipBudgetKib).toBeLessThanOrEqual(150);
  });
});
