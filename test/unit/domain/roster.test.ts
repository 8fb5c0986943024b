import { describe, expect, it } from "vitest";
import { approversAtStep, levelsPresent } from "../../../shared/domain/roster.ts";
import { escalationLevel } from "../../../shared/domain/sla.ts";

const roster = [
  { id: "alice", level: 1 },
  { id: "bob", level: 1 },
  { id: "carol", level: 2 },
  { id: "dave", level: 4 },
];

describe("who an approval reaches", () => {
  it("starts at the lowest level present, climbs to the next level present, and reminds the top level after it", () => {
    expect(levelsPresent(roster)).toEqual([1, 2, 4]);
    expect(approversAtStep(roster, 0).map((a) => a.id)).toEqual(["alice", "bob"]);
    expect(approversAtStep(roster, 1).map((a) => a.id)).toEqual(["carol"]);
    expect(approversAtStep(roster, 2).map((a) => a.id)).toEqual(["dave"]);
    expect(approversAtStep(roster, 3).map((a) => a.id)).toEqual(["dave"]);
  });
});

describe("escalation ceilings (seed 001 §6.3)", () => {
  it.each([
    ["P0", 4],
    ["P1", 3],
    ["P2", 2],
    ["P3", 0],
  ] as const)("%s climbs at most to L%d however long it waits", (priority, ceiling) => {
    expect(escalationLevel(priority, 10 * 86_400)).toBe(ceiling);
  });
});
