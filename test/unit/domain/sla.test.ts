import { describe, expect, it } from "vitest";
import { escalationLevel, escalationSteps, incidentEscalationTarget } from "../../../shared/domain/sla.ts";

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

describe("incidentEscalationTarget (an incident with nothing to sign, or open too long)", () => {
  it("climbs one level per response period while nobody acknowledged it", () => {
    expect(incidentEscalationTarget("P0", 4 * 60, true)).toEqual({ level: 0, reason: "unacknowledged" });
    expect(incidentEscalationTarget("P0", 5 * 60, true)).toEqual({ level: 1, reason: "unacknowledged" });
    expect(incidentEscalationTarget("P0", 11 * 60, true)).toEqual({ level: 2, reason: "unacknowledged" });
  });

  it("once acknowledged, climbs only by the resolution SLA", () => {
    expect(incidentEscalationTarget("P0", 29 * 60, false).level).toBe(0);
    expect(incidentEscalationTarget("P0", 30 * 60, false)).toEqual({ level: 1, reason: "unresolved" });
    expect(incidentEscalationTarget("P1", 4 * 3_600, false)).toEqual({ level: 2, reason: "unresolved" });
  });

  it("stops at the priority's ceiling: P3 never leaves on-call, P2 stops at the team lead", () => {
    expect(incidentEscalationTarget("P3", 10 * 86_400, true).level).toBe(0);
    expect(incidentEscalationTarget("P2", 10 * 86_400, true).level).toBe(2);
    expect(incidentEscalationTarget("P0", 10 * 86_400, true).level).toBe(4);
  });

  it("names the resolution clock when it is the one ahead", () => {
    const policy = { responseSeconds: { P0: 600, P1: 600, P2: 600, P3: 600 }, resolutionSeconds: { P0: 60, P1: 60, P2: 60, P3: 60 } };
    expect(incidentEscalationTarget("P0", 130, true, policy)).toEqual({ level: 2, reason: "unresolved" });
  });

  it("treats a clock running backwards as no wait", () => {
    expect(incidentEscalationTarget("P0", -5, true).level).toBe(0);
  });
});
