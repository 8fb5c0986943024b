import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "zod/v4";
import { SmokeRun } from "../../../shared/contracts/ops-api.ts";
import { judgeSmokeRun, SMOKE_RUN_ID, stageLatencies } from "../../../shared/domain/smoke.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, jsonAnswer, refusals, SECURITY } from "../../../shared/http/route-docs.ts";
import type { ApproveEnv } from "./services.ts";

const SMOKE_RUN_ROUTE = describeRoute({
  method: "get",
  path: "/api/v1/smoke/{run}",
  summary: "A smoke run's progress through the chain (`latest` for the cron's last)",
  tags: ["operations"],
  security: SECURITY.ops,
  request: {
    params: z.object({ run: z.string().describe("smoke-<ms>-<8 hex>, or latest") }),
    query: z.object({ deadline_seconds: z.string().optional().describe("when a run still short of a stage counts as failed (default 120)") }),
  },
  responses: { 200: jsonAnswer("stages with latency", SmokeRun), ...refusals(400, 401, 404) },
});

/** A smoke run's progress through the chain (bearer OPS_TOKEN): what `npm run smoke` polls. */
export const smokeRoutes = () =>
  new OpenAPIHono<ApproveEnv>().openapi(SMOKE_RUN_ROUTE, async (c) => {
    const services = c.get("services");
    const requested = c.req.valid("param").run;
    const runId = requested === "latest" ? await services.smoke.latest() : requested;
    if (!runId || !SMOKE_RUN_ID.test(runId)) {
      if (requested === "latest") throw new AppError("not_found", "no smoke run has been started yet");
      throw new AppError("invalid_request", "run must look like smoke-<ms>-<8 hex>", { fields: [{ field: "run", message: "not a smoke run id" }] });
    }
    const stamps = await services.smoke.read(runId);
    if (!stamps) throw new AppError("not_found", `smoke run ${runId} not found (runs are kept 24 h)`);
    const deadlineMs = Number(c.req.valid("query").deadline_seconds ?? 120) * 1000 || 120_000;
    const verdict = judgeSmokeRun(stamps, deadlineMs, Date.now());
    return c.json(
      {
        run: runId,
        state: verdict.state,
        ...(verdict.state === "failed" ? { missing: verdict.missing } : {}),
        ...(verdict.state === "passed" ? { total_ms: verdict.totalMs } : {}),
        stages: stageLatencies(stamps).map((s) => ({ ...s, at: s.at === null ? null : new Date(s.at).toISOString() })),
      },
      200,
    );
  });
