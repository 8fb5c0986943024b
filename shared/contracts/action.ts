import * as z from "zod/v4";
import { Operation } from "./rca.ts";

/** Kubernetes names (apimachinery validation.go): what may appear in kubectl argv. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespaces and container names: DNS-1123 labels (≤ 63). */
export const K8sLabelName = z.string().max(63).regex(DNS1123_LABEL, "must be a DNS-1123 label (a-z 0-9 -, ≤ 63)");
/** Pods and Deployments: DNS-1123 subdomains (≤ 253). */
export const K8sObjectName = z.string().max(253).regex(DNS1123_SUBDOMAIN, "must be a DNS-1123 subdomain (a-z 0-9 - ., ≤ 253)");

/** `512Mi`, `1.5Gi`, `1000000` (bytes): a memory quantity without exponent forms. */
export const MemoryQuantity = z.string().regex(/^\d{1,12}(\.\d{1,6})?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a memory quantity such as 512Mi");
/** `500m`, `2`, `1.5`: a CPU quantity. */
export const CpuQuantity = z.string().regex(/^\d{1,9}(\.\d{1,3})?m?$/, "must be a CPU quantity such as 500m");

const target = <K extends "pod" | "deployment">(kind: K) => z.strictObject({ kind: z.literal(kind), name: K8sObjectName, namespace: K8sLabelName });

const Resources = <Q extends z.ZodType<string>>(quantity: Q) =>
  z.strictObject({
    /** One container, or every container of the pod template when null. */
    container: K8sLabelName.nullable(),
    limit: quantity,
    request: quantity.nullable(),
  });

/**
 * A remediation action (v1) as it is approved and run: an operation, the exact
 * object it acts on, and typed parameters. Nothing else is ever executed; a
 * provider's free-text command is only a note for people.
 */
export const RemediationAction = z.discriminatedUnion("operation", [
  z.strictObject({ version: z.literal(1), operation: z.literal("DELETE_POD"), target: target("pod") }),
  z.strictObject({ version: z.literal(1), operation: z.literal("RESTART_DEPLOYMENT"), target: target("deployment") }),
  z.strictObject({
    version: z.literal(1),
    operation: z.literal("SCALE_DEPLOYMENT"),
    target: target("deployment"),
    params: z.strictObject({ replicas: z.number().int().min(0).max(100_000) }),
  }),
  z.strictObject({
    version: z.literal(1),
    operation: z.literal("ROLLBACK_DEPLOYMENT"),
    target: target("deployment"),
    /** null: the previous revision (kubectl's default). */
    params: z.strictObject({ to_revision: z.number().int().min(1).max(1_000_000_000).nullable() }),
  }),
  z.strictObject({ version: z.literal(1), operation: z.literal("INCREASE_MEMORY"), target: target("deployment"), params: Resources(MemoryQuantity) }),
  z.strictObject({ version: z.literal(1), operation: z.literal("INCREASE_CPU"), target: target("deployment"), params: Resources(CpuQuantity) }),
]);
export type RemediationAction = z.infer<typeof RemediationAction>;
export type TypedOperation = RemediationAction["operation"];
export const TYPED_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>(RemediationAction.options.map((option) => option.shape.operation.value));

/** Live facts the executor read for a plan (`kubectl get … -o json`), each optional: kubectl may not know it. */
export const PlanFacts = z.object({
  /** The Deployment's desired and ready replicas (for a pod: its owner's). */
  desired_replicas: z.number().int().min(0).optional(),
  ready_replicas: z.number().int().min(0).optional(),
  /** DELETE_POD: whether the pod itself is ready (then it is one of the ready replicas). */
  target_ready: z.boolean().optional(),
  /** Resources per container of the pod template, as Kubernetes quantities. */
  containers: z
    .array(
      z.object({
        name: z.string().max(63),
        limits: z.object({ memory: z.string().max(32).optional(), cpu: z.string().max(32).optional() }),
        requests: z.object({ memory: z.string().max(32).optional(), cpu: z.string().max(32).optional() }),
      }),
    )
    .max(50)
    .optional(),
  current_revision: z.number().int().min(0).optional(),
  /** ROLLBACK_DEPLOYMENT: the revision it would go back to, and when that revision was made. */
  rollback_revision: z.number().int().min(0).optional(),
  rollback_revision_created_at: z.iso.datetime({ offset: true }).optional(),
});
export type PlanFacts = z.infer<typeof PlanFacts>;

/**
 * The executor's answer to `POST /v1/plan`: what it read from the cluster and
 * what `kubectl … --dry-run=server` said, for exactly the action with `digest`.
 */
export const ActionPlan = z.object({
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  planned_at: z.iso.datetime({ offset: true }),
  facts: PlanFacts,
  dry_run: z.object({ ok: z.boolean(), exit_code: z.number().int().nullable(), output: z.string().max(4_000) }),
  /** Reads that failed (object not found, no access): the guardrails that need them cannot hold. */
  errors: z.array(z.string().max(500)).max(10).default([]),
});
export type ActionPlan = z.infer<typeof ActionPlan>;

/** `POST /v1/plan` body. `request_id` makes every signed request unique: two plans of one action in the same second are not a replay. */
export const PlanRequest = z.object({
  request_id: z.uuid(),
  action: RemediationAction,
  argv: z.array(z.string().max(300)).min(1).max(20),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PlanRequest = z.infer<typeof PlanRequest>;

/** One guardrail's verdict, as approvers see it and the decision's reasons name it. */
export const GuardrailCheck = z.object({
  name: z.string().max(100),
  passed: z.boolean(),
  detail: z.string().max(500),
});
export type GuardrailCheck = z.infer<typeof GuardrailCheck>;

/**
 * The action as an approval stores it and every channel shows it. `command`
 * is the display form of `argv` when the action is typed; otherwise the
 * provider's text, to be run by a person. `digest` binds signatures and the
 * executor request to exactly this `argv`. Rows written before typed actions
 * read as untyped (manual) actions.
 */
export const ApprovalAction = z.object({
  operation: Operation,
  command: z.string(),
  description: z.string(),
  typed: RemediationAction.nullable().default(null),
  argv: z.array(z.string()).nullable().default(null),
  digest: z.string().nullable().default(null),
  /** The provider's own command text: shown to people, never executed. */
  note: z.string().default(""),
  /** Why the action cannot run by itself, from its derivation (target, parameters). */
  issues: z.array(z.string()).default([]),
  plan: ActionPlan.nullable().default(null),
  guardrails: z.array(GuardrailCheck).default([]),
});
export type ApprovalAction = z.infer<typeof ApprovalAction>;

/**
 * The one other action an approval offers (issue #17): the alert's playbook when
 * the verdict disagrees with it; once an approver switches to it, the verdict's
 * action becomes the alternative. Approvers choose it by its digest.
 */
export const ApprovalAlternative = z.object({
  source: z.enum(["playbook", "verdict"]),
  /** Why it is offered, in words for the approval page ("ROLLBACK_DEPLOYMENT worked 5 of 5 times for this alert"). */
  reason: z.string().max(500),
  action: ApprovalAction,
});
export type ApprovalAlternative = z.infer<typeof ApprovalAlternative>;
