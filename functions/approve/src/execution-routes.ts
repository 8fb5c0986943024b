import type { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "zod/v4";
import { ExecutionResult } from "../../../shared/contracts/execution.ts";
import { ExecutionResultAnswer } from "../../../shared/contracts/ops-api.ts";
import { BODY_LIMITS, boundedBody } from "../../../shared/http/body-limit.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, jsonAnswer, jsonBody, refusals, SECURITY, serveDescribed } from "../../../shared/http/route-docs.ts";
import { readSignedJson } from "../../../shared/http/signed-body.ts";
import type { ExecutionRecord } from "../../../shared/ports/execution-store.ts";
import { applyResult } from "./executions.ts";
import type { ApproveEnv } from "./services.ts";

export const EXECUTION_RESULT_ROUTE = describeRoute({
  method: "post",
  path: "/api/v1/executions/{executionId}/result",
  summary: "The executor's report (HMAC-signed with EXECUTOR_SECRET)",
  tags: ["executions"],
  security: SECURITY.signed,
  request: { params: z.object({ executionId: z.string().describe("the execution's id (a UUID)") }), body: jsonBody(ExecutionResult) },
  responses: { 200: jsonAnswer("recorded (or the same result again)", ExecutionResultAnswer), ...refusals(400, 401, 404, 409, 413) },
});

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

export function executionJson(execution: ExecutionRecord) {
  return {
    id: execution.id,
    approval_id: execution.approvalId,
    incident_id: execution.incidentId,
    status: execution.status,
    dry_run: execution.dryRun,
    automatic: execution.automatic,
    operation: execution.operation,
    command: execution.command,
    action: execution.action ?? null,
    argv: execution.argv ? [...execution.argv] : null,
    digest: execution.digest ?? null,
    plan: execution.plan ?? null,
    requested_at: iso(execution.requestedAt),
    dispatched_at: iso(execution.dispatchedAt),
    finished_at: iso(execution.finishedAt),
    duration_ms: execution.durationMs ?? null,
    output_excerpt: execution.outputExcerpt ?? null,
    reported_by: execution.reportedBy ?? null,
  };
}

/** The executor's report, signed with EXECUTOR_SECRET like the hand-off it answers. */
export function mountExecutionRoutes(app: OpenAPIHono<ApproveEnv>): void {
  serveDescribed(app, EXECUTION_RESULT_ROUTE, boundedBody(BODY_LIMITS.executionResult, "execution result"), async (c) => {
    const services = c.get("services");
    if (!services.executorSecret) throw new AppError("not_found", "no executor is configured (EXECUTOR_SECRET is unset)");
    const id = z.uuid().safeParse(c.req.param("executionId"));
    if (!id.success) throw new AppError("invalid_request", "execution id must be a UUID", { fields: [{ field: "id", message: "must be a UUID" }] });
    const result = await readSignedJson(c, { secret: services.executorSecret, schema: ExecutionResult, who: "executor" });
    // A signed report names its execution: one for another id cannot be replayed here.
    if (result.execution_id !== id.data) {
      throw new AppError("invalid_request", `the report is for execution ${result.execution_id}, not ${id.data}`, {
        fields: [{ field: "execution_id", message: "must equal the execution id in the URL" }],
      });
    }
    const outcome = await applyResult(services, { executionId: id.data, result, reportedBy: "executor" });
    switch (outcome.kind) {
      case "not_found":
        throw new AppError("not_found", `execution ${id.data} not found`);
      case "conflict":
        throw new AppError("conflict", `execution ${id.data} already ${outcome.execution.status}; a different result cannot replace it`);
      case "not_dispatched":
        throw new AppError("conflict", `execution ${id.data} was never handed off; a result for it is refused`);
      case "digest_mismatch":
        throw new AppError("conflict", `the report's digest is not the approved action's (${outcome.execution.digest ?? "none"})`);
      case "repeat":
        return c.json({ recorded: false, execution: executionJson(outcome.subject.execution) } satisfies z.input<typeof ExecutionResultAnswer>);
      case "recorded":
        return c.json({ recorded: true, execution: executionJson(outcome.subject.execution), playbook: outcome.playbook } satisfies z.input<
          typeof ExecutionResultAnswer
        >);
    }
  });
}
