import { describe, expect, it } from "vitest";
import { perPriorityDuration } from "../../../shared/config/per-priority.ts";

const defaults = { P0: 1_800, P1: 86_400, P2: 86_400, P3: 86_400 };

describe("perPriorityDuration", () => {
  it("keeps the defaults when unset", () => {
    expect(perPriorityDuration(defaults).parse(undefined)).toEqual(defaults);
  });

  it("overrides only the priorities given, in any unit", () => {
    expect(perPriorityDuration(defaults).parse("P0=10m, P3=2d,P1=90s")).toEqual({ P0: 600, P1: 90, P2: 86_400, P3: 172_800 });
  });

  it.each(["P0=soon", "P5=1h", "P0=1w", "P0=0m"])("refuses %s", (text) => {
    expect(perPriorityDuration(defaults).safeParse(text).success).toBe(false);
  });
});
