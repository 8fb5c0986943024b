import type { Priority } from "../contracts/alert.ts";
import type { Digest } from "../contracts/digest.ts";
import { autonomyStats, mttrStats, type Resolution, type Settlement } from "./stats.ts";

const PRIORITIES: readonly Priority[] = ["P0", "P1", "P2", "P3"];

export interface DigestIncidentRow {
  readonly id: string;
  readonly fingerprint: string;
  /** The alert and its target, as people name it. */
  readonly title: string;
  readonly priority: Priority;
  readonly source: string;
  readonly status: string;
  readonly openedAt: Date;
}

export interface DigestInput {
  readonly from: Date;
  readonly to: Date;
  /** Incidents opened in the window. */
  readonly incidents: readonly DigestIncidentRow[];
  /** Hit counts per incident id, where Redis still had them. */
  readonly hits: ReadonlyMap<string, number>;
  /** Automatic executions finished in the window. */
  readonly automaticRuns: ReadonlyArray<{ readonly dryRun: boolean; readonly status: string }>;
  /** Approvals waiting for people now. */
  readonly pending: ReadonlyArray<{
    readonly approvalId: string;
    readonly incidentId: string;
    readonly title: string;
    readonly priority: Priority;
    readonly createdAt: Date;
  }>;
  readonly settlements: readonly Settlement[];
  readonly resolutions: readonly Resolution[];
  readonly quietPriorities: ReadonlySet<Priority>;
}

const LIST = 20;

/** The day's digest from what the stores hold: pure, so every figure is pinned by a unit test. */
export function digestOf(input: DigestInput): Digest {
  const { incidents } = input;
  const bySource: Record<string, number> = {};
  for (const i of incidents) bySource[i.source] = (bySource[i.source] ?? 0) + 1;

  const quiet = incidents.filter((i) => input.quietPriorities.has(i.priority)).sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
  const pending = [...input.pending].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  const byFingerprint = new Map<string, { title: string; hits: number }>();
  for (const i of incidents) {
    const entry = byFingerprint.get(i.fingerprint) ?? { title: i.title, hits: 0 };
    entry.hits += input.hits.get(i.id) ?? 1;
    byFingerprint.set(i.fingerprint, entry);
  }
  const noisiest = [...byFingerprint.entries()]
    .map(([fingerprint, e]) => ({ fingerprint, title: e.title, hits: e.hits }))
    .sort((a, b) => b.hits - a.hits || a.fingerprint.localeCompare(b.fingerprint))
    .slice(0, 5);

  const real = input.automaticRuns.filter((r) => !r.dryRun);
  return {
    day: input.to.toISOString().slice(0, 10),
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    incidents: {
      total: incidents.length,
      by_priority: Object.fromEntries(PRIORITIES.map((p) => [p, incidents.filter((i) => i.priority === p).length])) as Record<Priority, number>,
      by_source: bySource,
    },
    automatic: {
      runs: real.length,
      succeeded: real.filter((r) => r.status === "succeeded").length,
      failed: real.filter((r) => r.status === "failed").length,
      dry_runs: input.automaticRuns.length - real.length,
    },
    pending: pending.slice(0, LIST).map((p) => ({
      approval_id: p.approvalId,
      incident_id: p.incidentId,
      title: p.title.slice(0, 300),
      priority: p.priority,
      status: "PENDING",
      waiting_minutes: Math.max(0, Math.floor((input.to.getTime() - p.createdAt.getTime()) / 60_000)),
    })),
    pending_total: pending.length,
    quiet: quiet.slice(0, LIST).map((i) => ({ incident_id: i.id, title: i.title.slice(0, 300), priority: i.priority, status: i.status })),
    quiet_total: quiet.length,
    noisiest: noisiest.map((n) => ({ ...n, title: n.title.slice(0, 300) })),
    autonomy_index: autonomyStats(input.settlements, new Date(input.to.getTime() - 1)).last_24h.autonomy_index,
    mttr_seconds: mttrStats(input.resolutions).mttr_seconds,
  };
}

/** The alert and its target as a digest line names them. */
export const incidentTitle = (alertType: string, namespace: string | null, target: string | null) => {
  const where = [namespace, target].filter(Boolean).join("/");
  return `${alertType}${where ? ` on ${where}` : ""}`;
};

/**
 * Whether the day's digest is due at `now`: once the UTC clock passed
 * DIGEST_AT today. The caller claims the day so it goes out once.
 */
export function digestDue(now: Date, at: { readonly hour: number; readonly minute: number }): string | undefined {
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  return minutes >= at.hour * 60 + at.minute ? now.toISOString().slice(0, 10) : undefined;
}
