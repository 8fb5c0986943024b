import * as z from "zod/v4";
import { ActionPlan, RemediationAction } from "./action.ts";
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
  /** The approved action: exactly what runs. */
  action: RemediationAction,
  /** `renderAction(action).argv`; the executor re-renders and refuses a mismatch. argv[0] is `kubectl`. */
  argv: z.array(z.string().max(300)).min(1).max(20),
  /** SHA-256 of the argv (`actionDigest`): what the approvers signed. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** The display form of `argv`, for logs. */
  command: z.string().max(2_000),
  /** Carried end to end for logs and traces. */
  correlation_id: z.string().max(200).optional(),
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

/** A result as recorded: from the executor's signed report, or from a person marking it by hand. */
export const ExecutionOutcome = z.object({
  status: z.enum(["succeeded", "failed"]),
  duration_ms: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .optional(),
  output_excerpt: z.string().max(4_000).optional(),
});
export type ExecutionOutcome = z.infer<typeof ExecutionOutcome>;

/**
 * `POST /api/v1/executions/:id/result`, signed with EXECUTOR_SECRET: the report
 * names its execution, and a report for another id than the URL's is refused.
 */
export const ExecutionResult = ExecutionOutcome.extend({
  execution_id: z.uuid(),
  /** The digest of the argv that ran: must be the approved one. */
  digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** What the executor's server dry run (its last plan) said, when it ran one. */
  plan: ActionPlan.optional(),
});
export type ExecutionResult = z.infer<typeof ExecutionResult>;
