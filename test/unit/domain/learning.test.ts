import { describe, expect, it } from "vitest";
import type { Operation } from "../../../shared/contracts/rca.ts";
import { type ActionStats, learnedReasons, learnedRecord, playbookChange, recommend } from "../../../shared/domain/learning.ts";

const stats = (operation: Operation, samples: number, successes: number, totalDurationMs = 0, timedSamples = 0): ActionStats => ({
  operation,
  samples,
  successes,
  totalDurationMs,
  timedSamples,
});

describe("recommend (seed 002 Phase G)", () => {
  it("recommends nothing below 5 samples, however good the record", () => {
    expect(recommend([stats("DELETE_POD", 4, 4)])).toBeUndefined();
  });

  it("recommends nothing below 60% success", () => {
    expect(recommend([stats("DELETE_POD", 10, 5)])).toBeUndefined();
  });

  it("scores success_rate × ln(n + 1) and picks the best", () => {
    const result = recommend([stats("DELETE_POD", 5, 5), stats("RESTART_DEPLOYMENT", 20, 15), stats("SCALE_DEPLOYMENT", 10, 9)]);
    // 1·ln 6 = 1.79; 0.75·ln 21 = 2.28; 0.9·ln 11 = 2.16
    expect(result?.best).toMatchObject({ operation: "RESTART_DEPLOYMENT", samples: 20, successRate: 0.75 });
    expect(result?.best.score).toBeCloseTo(0.75 * Math.log(21), 10);
    expect(result?.alternatives.map((a) => a.operation)).toEqual(["SCALE_DEPLOYMENT", "DELETE_POD"]);
  });

  it("breaks a tie in favour of the lower tier", () => {
    const result = recommend([stats("ROLLBACK_DEPLOYMENT", 8, 8), stats("INCREASE_MEMORY", 8, 8), stats("DELETE_POD", 8, 8)]);
    expect(result?.best.operation).toBe("DELETE_POD");
    expect(result?.alternatives.map((a) => a.tier)).toEqual([2, 3]);
  });

  it("averages duration only over outcomes that reported one", () => {
    expect(recommend([stats("DELETE_POD", 6, 6, 9_000, 3)])?.best.avgDurationMs).toBe(3_000);
    expect(recommend([stats("DELETE_POD", 6, 6)])?.best.avgDurationMs).toBeUndefined();
  });
});

describe("playbookChange", () => {
  const entry = (operation: Operation, samples: number, successRate: number) => ({ operation, samples, successRate });

  it("writes a playbook at 5 samples and 80% success", () => {
    expect(playbookChange(entry("DELETE_POD", 5, 0.8), undefined)).toBe("update");
    expect(playbookChange(entry("DELETE_POD", 4, 1), undefined)).toBe("keep");
    expect(playbookChange(entry("DELETE_POD", 10, 0.79), undefined)).toBe("keep");
  });

  it("replaces another action's playbook only with a better success rate", () => {
    expect(playbookChange(entry("RESTART_DEPLOYMENT", 6, 0.9), entry("DELETE_POD", 10, 0.85))).toBe("update");
    expect(playbookChange(entry("RESTART_DEPLOYMENT", 6, 0.85), entry("DELETE_POD", 10, 0.9))).toBe("keep");
  });

  it("refreshes the holder's figures, and removes a holder that fell below the bar", () => {
    expect(playbookChange(entry("DELETE_POD", 11, 0.82), entry("DELETE_POD", 10, 0.9))).toBe("update");
    expect(playbookChange(entry("DELETE_POD", 12, 0.75), entry("DELETE_POD", 11, 0.82))).toBe("remove");
  });
});

describe("learnedRecord (what the prompt and people are shown)", () => {
  it("names the recommended operation with its plain record and tier", () => {
    expect(learnedRecord([stats("RESTART_DEPLOYMENT", 5, 5), stats("DELETE_POD", 6, 3)])).toEqual({
      operation: "RESTART_DEPLOYMENT",
      successes: 5,
      samples: 5,
      tier: 1,
    });
  });

  it("is undefined while no operation has enough good outcomes", () => {
    expect(learnedRecord([])).toBeUndefined();
    expect(learnedRecord([stats("RESTART_DEPLOYMENT", 4, 4)])).toBeUndefined();
    expect(learnedRecord([stats("RESTART_DEPLOYMENT", 5, 2)])).toBeUndefined();
  });
});

describe("learnedReasons (the trust engine's named reasons from past repairs)", () => {
  const learned = { operation: "RESTART_DEPLOYMENT" as const, successes: 5, samples: 5, tier: 1 };
  const playbook = { operation: "DELETE_POD" as const, successRate: 0.9, samples: 10, command: "kubectl delete pod p -n ns" };

  it("says whether the verdict agrees with the learned record and the playbook", () => {
    expect(learnedReasons("RESTART_DEPLOYMENT", learned, undefined)).toEqual([
      "learned: RESTART_DEPLOYMENT worked 5 of 5 times for this alert (tier 1); the verdict agrees",
    ]);
    expect(learnedReasons("DELETE_POD", learned, playbook)).toEqual([
      "learned: RESTART_DEPLOYMENT worked 5 of 5 times for this alert (tier 1); the verdict proposes DELETE_POD (tier 1) instead",
      "playbook: DELETE_POD is this alert's playbook (90% of 10); the verdict agrees",
    ]);
  });

  it("offers the playbook's command as the alternative when the verdict disagrees, and says nothing without history", () => {
    expect(learnedReasons("ROLLBACK_DEPLOYMENT", undefined, playbook)).toEqual([
      "playbook: DELETE_POD is this alert's playbook (90% of 10); the verdict proposes ROLLBACK_DEPLOYMENT — the playbook's alternative: kubectl delete pod p -n ns",
    ]);
    expect(learnedReasons("ROLLBACK_DEPLOYMENT", undefined, undefined)).toEqual([]);
  });
});
