import type { Priority } from "../contracts/alert.ts";

/** Seed 001 §6.1: how soon someone must respond to, and resolve, an incident of each priority. */
export interface SlaPolicy {
  readonly responseSeconds: Readonly<Record<Priority, number>>;
  readonly resolutionSeconds: Readonly<Record<Priority, number>>;
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  responseSeconds: { P0: 5 * 60, P1: 15 * 60, P2: 3_600, P3: 4 * 3_600 },
  resolutionSeconds: { P0: 30 * 60, P1: 2 * 3_600, P2: 8 * 3_600, P3: 24 * 3_600 },
};

/** Seed 001 §6.2: who is pulled in at each level. L0 is whoever the approval went to first. */
export const ESCALATION_LADDER = ["L0 on-call", "L1 expert", "L2 team lead", "L3 director", "L4 C-level"] as const;
export const MAX_ESCALATION_LEVEL = ESCALATION_LADDER.length - 1;

/** Seed 001 §6.3: how high each priority may climb. P3 stays with on-call, P2 stops at the team lead. */
export const DEFAULT_ESCALATION_CEILING: Readonly<Record<Priority, number>> = { P0: 4, P1: 3, P2: 2, P3: 0 };

/**
 * The level an approval should be at after waiting `waitingSeconds`: one level
 * up per full response period overdue, capped at L4. Pure, so a sweep that
 * missed ticks catches up in one step.
 */
export function escalationLevel(
  priority: Priority,
  waitingSeconds: number,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
  ceiling: Readonly<Record<Priority, number>> = DEFAULT_ESCALATION_CEILING,
): number {
  if (!(waitingSeconds > 0)) return 0;
  return Math.min(MAX_ESCALATION_LEVEL, ceiling[priority], Math.floor(waitingSeconds / policy.responseSeconds[priority]));
}

/** The escalation steps between `from` (exclusive) and `to` (inclusive), each announced once. */
export function escalationSteps(from: number, to: number): number[] {
  const steps: number[] = [];
  for (let level = Math.max(from, 0) + 1; level <= Math.min(to, MAX_ESCALATION_LEVEL); level++) steps.push(level);
  return steps;
}

/**
 * Where an incident with nothing to sign (or open too long) should be on the
 * ladder after `ageSeconds`: one level per full response period while nobody
 * acknowledged it, one per full resolution period while it stays open —
 * whichever is higher, capped by the priority's ceiling. The reason names the
 * clock that put it there.
 */
export function incidentEscalationTarget(
  priority: Priority,
  ageSeconds: number,
  awaitingAck: boolean,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
  ceiling: Readonly<Record<Priority, number>> = DEFAULT_ESCALATION_CEILING,
): { level: number; reason: "unacknowledged" | "unresolved" } {
  if (!(ageSeconds > 0)) return { level: 0, reason: "unresolved" };
  const byResponse = awaitingAck ? Math.floor(ageSeconds / policy.responseSeconds[priority]) : 0;
  const byResolution = Math.floor(ageSeconds / policy.resolutionSeconds[priority]);
  const level = Math.min(MAX_ESCALATION_LEVEL, ceiling[priority], Math.max(byResponse, byResolution));
  return { level, reason: byResponse >= byResolution && awaitingAck ? "unacknowledged" : "unresolved" };
}
