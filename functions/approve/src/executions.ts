import type { ActionPlan } from "../../../shared/contracts/action.ts";
import { executeRequested } from "../../../shared/contracts/envelopes.ts";
import type { ExecutionOutcome, ExecutionRequest } from "../../../shared/contracts/execution.ts";
import type { ExecuteRequestedV1 } from "../../../shared/contracts/queue.ts";
import { actionDigest, renderAction } from "../../../shared/domain/action.ts";
import type { ResultOutcome } from "../../../shared/ports/execution-store.ts";
import { PermanentError } from "../../../shared/queue/consume.ts";
import { approvalNotification } from "./notifications.ts";
import type { ApproveServices } from "./services.ts";

/** The hand-off message for an execution row, deduplicated by its id. */
export function handOffOf(executionId: string, approvalId: string, incidentId: string, at: Date, correlationId: string): ExecuteRequestedV1 {
  return executeRequested({ execution_id: executionId, approval_id: approvalId, incident_id: incidentId }, { id: `execute:${executionId}`, at, correlationId });
}

/**
 * Hands one approved action to the executor. Only a row still `requested` is
 * sent, so redeliveries after a successful hand-off send nothing; a redelivery
 * racing the first is absorbed by the executor's idempotency on execution_id.
 */
export async function dispatchExecution(message: ExecuteRequestedV1, services: ApproveServices): Promise<void> {
  const executionId = message.payload.execution_id;
  const subject = await services.executions.subject(executionId);
  if (!subject) throw new PermanentError(`execution ${executionId} does not exist`);
  const { execution } = subject;
  // Sent only until the executor accepted it once; a redelivery racing the first send is absorbed by the executor.
  if (execution.status !== "requested" && !(execution.status === "dispatched" && execution.dispatchedAt === undefined)) return;
  const now = services.now();
  const { action, digest } = execution;
  if (!services.executor || !action || !digest) {
    // No executor, or an untyped action (nothing the executor may run): a person runs the shown command.
    await services.executions.markManual(executionId, now);
    return;
  }
  // Marked first: the executor may report before the hand-off call even returns.
  await services.executions.markDispatched(executionId);
  // What runs is re-rendered from the approved structure and must hash to the approved digest.
  const { argv, display } = renderAction(action);
  if ((await actionDigest(argv)) !== digest) {
    await applyResult(services, {
      executionId,
      result: { status: "failed", output_excerpt: "not handed off: the stored action does not render to the approved digest" },
      reportedBy: "approve",
    });
    return;
  }
  const request: ExecutionRequest = {
    execution_id: execution.id,
    approval_id: execution.approvalId,
    incident_id: execution.incidentId,
    fingerprint: subject.fingerprint,
    alert_type: subject.alert.alert_type,
    namespace: subject.alert.namespace ?? null,
    target_resource: subject.alert.target_resource ?? null,
    operation: execution.operation,
    action,
    argv,
    digest,
    command: display,
    // The incident's own id, whoever handed off: it survives the human decision.
    correlation_id: subject.correlationId,
    dry_run: execution.dryRun,
    automatic: execution.automatic,
    approved_by: [...subject.approvedBy],
    callback_url: new URL(`/api/v1/executions/${execution.id}/result`, services.publicBaseUrl).toString(),
    requested_at: execution.requestedAt.toISOString(),
  };
  const handOff = await services.executor.handOff(request);
  if (handOff.kind === "accepted") {
    await services.executions.markHandedOff(executionId, now);
    return;
  }
  // Refused outright: the action never ran, so the row stays a dry failure and teaches nothing.
  await applyResult(services, { executionId, result: { status: "failed", output_excerpt: `hand-off refused: ${handOff.reason}` }, reportedBy: "approve" });
}

/**
 * Records an execution result and everything that follows from it: learning
 * stats, the autonomy counter, and a notification. Safe to repeat: a repeated
 * identical result re-applies only what is idempotent, so a caller retrying
 * after a partial failure completes the work.
 */
export async function applyResult(
  services: ApproveServices,
  input: { executionId: string; result: ExecutionOutcome & { digest?: string | undefined; plan?: ActionPlan | undefined }; reportedBy: string },
): Promise<ResultOutcome> {
  const at = services.now();
  const outcome = await services.executions.recordResult({ ...input, at });
  if (outcome.kind !== "recorded" && outcome.kind !== "repeat") return outcome;
  const { subject } = outcome;
  const { execution } = subject;
  const success = execution.status === "succeeded";

  if (outcome.learned) {
    const applied = await services.learningStats.record({
      executionId: execution.id,
      fingerprint: subject.fingerprint,
      operation: execution.operation,
      success,
      durationMs: execution.durationMs,
    });
    if (applied && success && execution.automatic) {
      await services.metrics.increment("awoooi_incidents_auto_resolved_total", { source: subject.alert.source, action_type: execution.operation });
    }
  }

  const [approval, incident] = await Promise.all([services.approvals.get(execution.approvalId), services.incidents.get(execution.incidentId)]);
  if (approval && incident) {
    const message = approvalNotification("execution_result", approval, incident, at, {
      execution: {
        execution_id: execution.id,
        status: success ? "succeeded" : "failed",
        dry_run: execution.dryRun,
        automatic: execution.automatic,
        duration_ms: execution.durationMs ?? null,
        output_excerpt: execution.outputExcerpt?.slice(0, 4_000) ?? null,
      },
    });
    if (message) await services.publishNotify(message);
  }
  return outcome;
}
