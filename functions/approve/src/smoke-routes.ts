import type { Hono } from "hono";
import { judgeSmokeRun, SMOKE_RUN_ID, stageLatencies } from "../../../shared/domain/smoke.ts";
import { AppError } from "../../../shared/http/errors.ts";
import type { ApproveEnv } from "./services.ts";

/** A smoke run's progress through the chain (bearer OPS_TOKEN): what `npm run smoke` polls. */
export function mountSmokeRoutes(app: Hono<ApproveEnv>): void {
  app.get("/api/v1/smoke/:run", async (c) => {
    const services = c.get("services");
    const requested = c.req.param("run");
    const runId = requested === "latest" ? await services.smoke.latest() : requested;
    if (!runId || !SMOKE_RUN_ID.test(runId)) {
      if (requested === "latest") throw new AppError("not_found", "no smoke run has been started yet");
      throw new AppError("invalid_request", "run must look like smoke-<ms>-<8 hex>", { fields: [{ field: "run", message: "not a smoke run id" }] });
    }
    const stamps = await services.smoke.read(runId);
    if (!stamps) throw new AppError("not_found", `smoke run ${runId} not found (runs are kept 24 h)`);
    const deadlineMs = Number(c.req.query("deadline_seconds") ?? 120) * 1000 || 120_000;
    const verdict = judgeSmokeRun(stamps, deadlineMs, Date.now());
    return c.json({
      run: runId,
      state: verdict.state,
      ...(verdict.state === "failed" ? { missing: verdict.missing } : {}),
      ...(verdict.state === "passed" ? { total_ms: verdict.totalMs } : {}),
      stages: stageLatencies(stamps).map((s) => ({ ...s, at: s.at === null ? null : new Date(s.at).toISOString() })),
    });
  });
}
