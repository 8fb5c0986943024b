import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "zod/v4";
import { StatsAutonomy, StatsLlm, StatsMttr, StatsOverview, StatsSlo, StatsVolume } from "../../../shared/contracts/ops-api.ts";
import { llmUsage } from "../../../shared/domain/llm-usage.ts";
import { autonomyStats, mttrStats, sloStats, volumeFromHour, volumeStats } from "../../../shared/domain/stats.ts";
import { describeRoute, jsonAnswer, refusals, SECURITY } from "../../../shared/http/route-docs.ts";
import type { ApproveEnv } from "./services.ts";

const DAY_MS = 86_400_000;
const WINDOWS = { "24h": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS } as const;

const StatsQuery = z.strictObject({
  /** Compute as of this moment (default now): reproducible figures, and history. */
  at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional().describe("compute as of this ISO 8601 time (default now)"),
  window: z.enum(["24h", "7d", "30d"]).default("7d").describe("the window MTTR and SLO figures cover"),
});

function statsWindow(query: z.infer<typeof StatsQuery>) {
  const at = query.at ? new Date(query.at) : new Date();
  return { at, window: query.window, from: new Date(at.getTime() - WINDOWS[query.window]), to: new Date(at.getTime() + 1) };
}

const statsRoute = <const N extends string, S extends z.ZodType>(name: N, summary: string, answer: S) =>
  describeRoute({
    method: "get",
    path: `/api/v1/stats/${name}` as `/api/v1/stats/${N}`,
    summary,
    tags: ["stats"],
    security: SECURITY.ops,
    request: { query: StatsQuery },
    responses: { 200: jsonAnswer("figures", answer), ...refusals(400, 401) },
  });

/** Ops figures (bearer OPS_TOKEN): the autonomy index, MTTR, SLO attainment and alert volume. */
export const statsRoutes = () =>
  new OpenAPIHono<ApproveEnv>()
    .openapi(statsRoute("overview", "Open incidents, pending approvals, 24 h volume and dedup ratio", StatsOverview), async (c) => {
      const { at } = statsWindow(c.req.valid("query"));
      const services = c.get("services");
      const [counts, volume] = await Promise.all([
        services.stats.counts(at),
        // The last 24 hours only: 24 hash reads, not the week the charts need.
        services.volume.hourly(Math.floor(at.getTime() / 3_600_000) - 23, Math.floor(at.getTime() / 3_600_000)).then((rows) => volumeStats(rows, at).last_24h),
      ]);
      return c.json(
        {
          at: at.toISOString(),
          open_incidents: counts.openIncidents,
          pending_approvals: counts.pendingApprovals,
          alerts_24h: volume.alerts,
          incidents_opened_24h: volume.incidents_opened,
          dedup_ratio_24h: volume.dedup_ratio,
        },
        200,
      );
    })
    .openapi(statsRoute("autonomy", "The autonomy index (24 h, 7 d, daily)", StatsAutonomy), async (c) => {
      const { at } = statsWindow(c.req.valid("query"));
      const settlements = await c.get("services").stats.settlements(new Date(at.getTime() - 7 * DAY_MS), new Date(at.getTime() + 1));
      return c.json(autonomyStats(settlements, at), 200);
    })
    .openapi(statsRoute("mttr", "MTTR, automatic vs human, per priority", StatsMttr), async (c) => {
      const { at, window, from, to } = statsWindow(c.req.valid("query"));
      return c.json({ at: at.toISOString(), window, ...mttrStats(await c.get("services").stats.resolutions(from, to)) }, 200);
    })
    .openapi(statsRoute("slo", "Share of approvals answered and incidents resolved within SLA", StatsSlo), async (c) => {
      const { at, window, from, to } = statsWindow(c.req.valid("query"));
      const services = c.get("services");
      const [approvals, incidents] = await Promise.all([services.stats.humanApprovals(from, to), services.stats.openedIncidents(from, to)]);
      return c.json(
        {
          at: at.toISOString(),
          window,
          response_sla_seconds: services.sla.responseSeconds,
          resolution_sla_seconds: services.sla.resolutionSeconds,
          ...sloStats(approvals, incidents, services.sla, at),
        },
        200,
      );
    })
    .openapi(statsRoute("volume", "Alert volume and dedup ratio, 24 h and daily for 7 days", StatsVolume), async (c) => {
      const { at } = statsWindow(c.req.valid("query"));
      const rows = await c.get("services").volume.hourly(volumeFromHour(at), Math.floor(at.getTime() / 3_600_000));
      return c.json({ at: at.toISOString(), ...volumeStats(rows, at) }, 200);
    })
    .openapi(statsRoute("llm", "LLM use per provider: calls, failures, tokens, estimated cost, p50/p95 latency", StatsLlm), async (c) => {
      const { at, window, from, to } = statsWindow(c.req.valid("query"));
      const services = c.get("services");
      const providers = llmUsage(await services.stats.analysisAttempts(from, to), services.llmPrices);
      const all = Object.values(providers);
      const sum = (pick: (usage: (typeof all)[number]) => number) => all.reduce((total, usage) => total + pick(usage), 0);
      return c.json(
        {
          at: at.toISOString(),
          window,
          providers,
          total: {
            calls: sum((u) => u.calls),
            input_tokens: sum((u) => u.input_tokens),
            output_tokens: sum((u) => u.output_tokens),
            cost_usd: Math.round(sum((u) => u.cost_usd) * 1_000_000) / 1_000_000,
          },
          prices_usd_per_mtok: services.llmPrices,
        },
        200,
      );
    });
