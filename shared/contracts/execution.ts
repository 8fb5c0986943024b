import { z } from "zod";
import { Fingerprint, IncidentId } from "./alert.ts";
import { Operation } from "./rca.ts";

export const ExecutionStatus = z.enum(["requested", "dispatched", "manual", "succeeded", "failed"]);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/**
 * What the executor receives at `EXECUTOR_URL` (signed with `EXECUTOR_SECRET`,
 * `X-Awoooi-Timestamp` + `X-Awoooi-Signature`). The executor must be idempotent
 * on `execution_id`: a hand-off may be delivered more than once.
 */
export const ExecutionRequest = z.object({
  execution_id: z.uuid(),
  approval_id: z.uuid(),
  incident_id: IncidentId,
  fingerprint: Fingerprint,
  alert_type: z.string(),
  namespace: z.string().nullable(),
  target_resource: z.string().nullable(),
  operation: Operation,
  command: z.string(),
  description: z.string(),
  /** True unless the deployment opted in to real execution (`EXECUTOR_DRY_RUN=false`). */
  dry_run: z.boolean(),
  /** Approved by the trust engine rather than by people. */
  automatic: z.boolean(),
  approved_by: z.array(z.string()),
  /** Where to report the result (signed the same way). */
  callback_url: z.url(),
  requested_at: z.iso.datetime({ offset: true }),
});
export type ExecutionRequest = z.infer<typeof ExecutionRequest>;

/** `POST /api/v1/executions/:id/result`: what the executor (or a person marking it by hand) reports. */
export const ExecutionResult = z.object({
  status: z.enum(["succeeded", "failed"]),
  duration_ms: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .optional(),
  output_excerpt: z.string().max(4_000).optional(),
});
export type ExecutionResult = z.infer<typeof ExecutionResult>;
