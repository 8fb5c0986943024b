import type { Priority } from "../contracts/alert.ts";
import type { SlaPolicy } from "./sla.ts";

const PRIORITIES: readonly Priority[] = ["P0", "P1", "P2", "P3"];

/** One figure per priority, every priority present. */
const byPriority = <T>(figure: (priority: Priority) => T) => Object.fromEntries(PRIORITIES.map((p) => [p, figure(p)])) as Record<Priority, T>;
const DAY_MS = 86_400_000;

/** A settled incident for autonomy: settled automatically (real, successful auto-run) or by a human decision. */
export interface Settlement {
  readonly at: Date;
  readonly mode: "auto" | "human";
}

export interface AutonomyWindow {
  readonly auto_resolved: number;
  readonly human_resolved: number;
  /** auto / (auto + human) × 100, one decimal; null when nothing was settled. */
  readonly autonomy_index: number | null;
}

const index = (auto: number, human: number) => (auto + human === 0 ? null : Math.round((auto / (auto + human)) * 1000) / 10);

function windowOf(settlements: readonly Settlement[], from: number, to: number): AutonomyWindow {
  const inside = settlements.filter((s) => s.at.getTime() >= from && s.at.getTime() < to);
  const auto = inside.filter((s) => s.mode === "auto").length;
  const human = inside.length - auto;
  return { auto_resolved: auto, human_resolved: human, autonomy_index: index(auto, human) };
}

/** Seed 003: the autonomy index over 24 h and 7 d, with a daily series (UTC days, oldest first) of the last 7 days. */
export function autonomyStats(settlements: readonly Settlement[], at: Date) {
  const now = at.getTime();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const daily = Array.from({ length: 7 }, (_, i) => {
    const start = today - (6 - i) * DAY_MS;
    return { date: new Date(start).toISOString().slice(0, 10), ...windowOf(settlements, start, Math.min(start + DAY_MS, now + 1)) };
  });
  return { at: at.toISOString(), last_24h: windowOf(settlements, now - DAY_MS, now + 1), last_7d: windowOf(settlements, now - 7 * DAY_MS, now + 1), daily };
}

/** A resolved incident: how long it was open, and whether a machine or a person settled it. */
export interface Resolution {
  readonly priority: Priority;
  readonly openedAt: Date;
  readonly resolvedAt: Date;
  readonly mode: "auto" | "human";
}

interface MttrFigure {
  readonly incidents: number;
  /** Mean time to resolve in seconds, rounded; null without incidents. */
  readonly mttr_seconds: number | null;
}

function mttrOf(resolutions: readonly Resolution[]): MttrFigure {
  if (resolutions.length === 0) return { incidents: 0, mttr_seconds: null };
  // A source's clock ahead of ours can date the opening after the resolution: such an incident took no time, not negative time.
  const total = resolutions.reduce((sum, r) => sum + Math.max(0, r.resolvedAt.getTime() - r.openedAt.getTime()), 0);
  return { incidents: resolutions.length, mttr_seconds: Math.round(total / resolutions.length / 1000) };
}

/** MTTR of incidents resolved in the window: overall, automatic vs human, and per priority. */
export function mttrStats(resolutions: readonly Resolution[]) {
  const split = (list: readonly Resolution[]) => ({
    ...mttrOf(list),
    auto: mttrOf(list.filter((r) => r.mode === "auto")),
    human: mttrOf(list.filter((r) => r.mode === "human")),
  });
  return { ...split(resolutions), by_priority: byPriority((p) => split(resolutions.filter((r) => r.priority === p))) };
}

/** An approval that needed people: when it opened, and when (if ever) someone decided. */
export interface HumanApproval {
  readonly priority: Priority;
  readonly createdAt: Date;
  /** When a signature settled it (approved or rejected); undefined if nobody did. */
  readonly answeredAt: Date | undefined;
}

export interface OpenedIncident {
  readonly priority: Priority;
  readonly openedAt: Date;
  readonly resolvedAt: Date | undefined;
}

interface SloFigure {
  readonly within: number;
  readonly total: number;
  /** within / total × 100, one decimal; null when nothing counts yet. */
  readonly percent: number | null;
}

/**
 * Whether each item met its deadline, counting only what is already known: an
 * item still inside its deadline is not counted either way; one past it
 * without an answer counts as missed.
 */
function slo<T>(
  items: readonly T[],
  deadlineMs: (item: T) => number,
  startMs: (item: T) => number,
  doneMs: (item: T) => number | undefined,
  nowMs: number,
): SloFigure {
  let within = 0;
  let total = 0;
  for (const item of items) {
    const deadline = startMs(item) + deadlineMs(item);
    const done = doneMs(item);
    if (done !== undefined) {
      total++;
      if (done <= deadline) within++;
    } else if (nowMs > deadline) total++;
  }
  return { within, total, percent: total === 0 ? null : Math.round((within / total) * 1000) / 10 };
}

/** Seed 001 §6.1: share of approvals answered within the response SLA, and of incidents resolved within the resolution SLA. */
export function sloStats(approvals: readonly HumanApproval[], incidents: readonly OpenedIncident[], policy: SlaPolicy, at: Date) {
  const now = at.getTime();
  const response = (list: readonly HumanApproval[]) =>
    slo(
      list,
      (a) => policy.responseSeconds[a.priority] * 1000,
      (a) => a.createdAt.getTime(),
      (a) => a.answeredAt?.getTime(),
      now,
    );
  const resolution = (list: readonly OpenedIncident[]) =>
    slo(
      list,
      (i) => policy.resolutionSeconds[i.priority] * 1000,
      (i) => i.openedAt.getTime(),
      (i) => i.resolvedAt?.getTime(),
      now,
    );
  return {
    approvals_answered_within_sla: {
      ...response(approvals),
      by_priority: byPriority((p) => response(approvals.filter((a) => a.priority === p))),
    },
    incidents_resolved_within_sla: {
      ...resolution(incidents),
      by_priority: byPriority((p) => resolution(incidents.filter((i) => i.priority === p))),
    },
  };
}

/** One UTC hour of ingest volume. */
export interface HourlyVolume {
  readonly hour: number;
  readonly alerts: number;
  readonly opened: number;
}

function volumeOf(rows: readonly HourlyVolume[]) {
  const alerts = rows.reduce((sum, r) => sum + r.alerts, 0);
  const opened = rows.reduce((sum, r) => sum + r.opened, 0);
  return {
    alerts,
    incidents_opened: opened,
    deduplicated: Math.max(0, alerts - opened),
    /** Share of alerts that did not open an incident, 0–1, three decimals; null without alerts. */
    dedup_ratio: alerts === 0 ? null : Math.round((Math.max(0, alerts - opened) / alerts) * 1000) / 1000,
  };
}

/** Alert volume and dedup ratio over the last 24 h, and per UTC day for the last 7 days (oldest first). */
export function volumeStats(rows: readonly HourlyVolume[], at: Date) {
  const hourNow = Math.floor(at.getTime() / 3_600_000);
  const today = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
  const daily = Array.from({ length: 7 }, (_, i) => {
    const start = today - (6 - i) * DAY_MS;
    const from = start / 3_600_000;
    return { date: new Date(start).toISOString().slice(0, 10), ...volumeOf(rows.filter((r) => r.hour >= from && r.hour < from + 24)) };
  });
  return { last_24h: volumeOf(rows.filter((r) => r.hour > hourNow - 24 && r.hour <= hourNow)), daily };
}

/** The first hour `volumeStats` needs for a given time. */
export const volumeFromHour = (at: Date) => Math.floor(at.getTime() / DAY_MS) * 24 - 6 * 24;

/** MTTR per UTC day over the last 7 days (oldest first), for the trend chart. */
export function mttrDaily(resolutions: readonly Resolution[], at: Date) {
  const today = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
  return Array.from({ length: 7 }, (_, i) => {
    const start = today - (6 - i) * DAY_MS;
    const day = resolutions.filter((r) => r.resolvedAt.getTime() >= start && r.resolvedAt.getTime() < start + DAY_MS);
    return { date: new Date(start).toISOString().slice(0, 10), ...mttrOf(day) };
  });
}
