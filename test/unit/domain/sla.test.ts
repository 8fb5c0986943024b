import { describe, expect, it } from "vitest";
import { escalationLevel, escalationSteps } from "../../../shared/domain/sla.ts";

describe("escalationLevel (seed 001 §6)", () => {
  it.each([
    ["P0", 5 * 60],
    ["P1", 15 * 60],
    ["P2", 3_600],
    ["P3", 4 * 3_600],
  ] as const)("moves %s up one level per %d s of waiting (with every ceiling at L4)", (priority, sla) => {
    const open = { P0: 4, P1: 4, P2: 4, P3: 4 };
    expect(escalationLevel(priority, 0, undefined, open)).toBe(0);
    expect(escalationLevel(priority, sla - 1, undefined, open)).toBe(0);
    expect(escalationLevel(priority, sla, undefined, open)).toBe(1);
    expect(escalationLevel(priority, 2 * sla + 1, undefined, open)).toBe(2);
  });

  it("stops at L4", () => {
    expect(escalationLevel("P0", 10 * 3_600)).toBe(4);
  });

  it("follows a configured response time", () => {
    const policy = { responseSeconds: { P0: 60, P1: 60, P2: 60, P3: 60 }, resolutionSeconds: { P0: 1, P1: 1, P2: 1, P3: 1 } };
    expect(escalationLevel("P1", 180, policy)).toBe(3);
  });

  it("treats a clock running backwards as no wait", () => {
    expect(escalationLevel("P0", -500)).toBe(0);
  });
});

describe("escalationSteps", () => {
  it("lists each level crossed exactly once", () => {
    expect(escalationSteps(0, 0)).toEqual([]);
    expect(escalationSteps(1, 3)).toEqual([2, 3]);
    expect(escalationSteps(3, 9)).toEqual([4]);
  });
});
