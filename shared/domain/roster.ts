import type { Approver } from "../contracts/approval.ts";

/** The roster's levels that have people, lowest first (seed 001 §6.2: L0 on-call … L4 C-level). */
export function levelsPresent(roster: readonly Approver[]): number[] {
  return [...new Set(roster.map((a) => a.level))].sort((a, b) => a - b);
}

/**
 * Who an approval reaches at escalation step `step`: step 0 is the lowest
 * level present; each step goes to the next level present. Past the top level
 * present, the top level is reminded again (a flat roster is re-pinged whole).
 */
export function approversAtStep(roster: readonly Approver[], step: number): Approver[] {
  const levels = levelsPresent(roster);
  const level = levels[Math.min(Math.max(step, 0), levels.length - 1)];
  return roster.filter((a) => a.level === level);
}
