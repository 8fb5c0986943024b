import type { Hono } from "hono";
import { z } from "zod";
import { autonomyStats, mttrStats, sloStats, volumeFromHour, volumeStats } from "../../../shared/domain/stats.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { fieldIssues } from "../../../shared/http/validation.ts";
import type { ApproveEnv } from "./services.ts";

const DAY_MS = 86_400_000;
const WINDOWS = { "24h": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS } as const;

const StatsQuery = z.strictObject({
  /** Compute as of this moment (default now): reproducible figures, and history. */
  at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
  window: z.enum(["24h", "7d", "30d"]).default("7d"),
});

function statsQuery(query: Record<string, string>) {
  const parsed = StatsQuery.safeParse(query);
  if (!parsed.success) {
    const fields = fieldIssues(parsed.error);
    throw new AppError("invalid_request", `invalid query — ${fields[0]?.field}: ${fields[0]?.message}`, { fields });
  }
  const at = parsed.data.at ? new Date(parsed.data.at) : new Date();
  return { at, window: parsed.data.window, from: new Date(at.getTime() - WINDOWS[parsed.data.window]), to: new Date(at.getTime() + 1) };
}

/** Ops figures (bearer OPS_TOKEN): the autonomy index, MTTR, SLO attainment and alert volume. */
export function mountStatsRoutes(app: Hono<ApproveEnv>): void {
  app.get("/api/v1/stats/overview", async (c) => {
    const { at } = statsQuery(c.req.query());
    const services = c.get("services");
    const [counts, volume] = await Promise.all([
      services.stats.counts(at),
      // The last 24 hours only: 24 hash reads, not the week the charts need.
      services.volume.hourly(Math.floor(at.getTime() / 3_600_000) - 23, Math.floor(at.getTime() / 3_600_000)).then((rows) => volumeStats(rows, at).last_24h),
    ]);
    return c.json({
      at: at.toISOString(),
      open_incidents: counts.openIncidents,
      pending_approvals: counts.pendingApprovals,
      alerts_24h: volume.alerts,
      incidents_opened_24h: volume.incidents_opened,
      dedup_ratio_24h: volume.dedup_ratio,
    });
  });

  app.get("/api/v1/stats/autonomy", async (c) => {
    const { at } = statsQuery(c.req.query());
    const settlements = await c.get("services").stats.settlements(new Date(at.getTime() - 7 * DAY_MS), new Date(at.getTime() + 1));
    return c.json(autonomyStats(settlements, at));
  });

  app.get("/api/v1/stats/mttr", async (c) => {
    const { at, window, from, to } = statsQuery(c.req.query());
    return c.json({ at: at.toISOString(), window, ...mttrStats(await c.get("services").stats.resolutions(from, to)) });
  });

  app.get("/api/v1/stats/slo", async (c) => {
    const { at, window, from, to } = statsQuery(c.req.query());
    const services = c.get("services");
    const [approvals, incidents] = await Promise.all([services.stats.humanApprovals(from, to), services.stats.openedIncidents(from, to)]);
    return c.json({
      at: at.toISOString(),
      window,
      response_sla_seconds: services.sla.responseSeconds,
      resolution_sla_seconds: services.sla.resolutionSeconds,
      ...sloStats(approvals, incidents, services.sla, at),
    });
  });

  app.get("/api/v1/stats/volume", async (c) => {
    const { at } = statsQuery(c.req.query());
    const rows = await c.get("services").volume.hourly(volumeFromHour(at), Math.floor(at.getTime() / 3_600_000));
    return c.json({ at: at.toISOString(), ...volumeStats(rows, at) });
  });
}
