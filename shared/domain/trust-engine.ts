import type { ActionPlan, GuardrailCheck } from "../contracts/action.ts";
import type { Priority } from "../contracts/alert.ts";
import type { Operation, Rca, RiskLevel } from "../contracts/rca.ts";
import { type ActionProposal, cpuMillis, memoryBytes } from "./action.ts";

/** Guardrails and signature counts (seed 001 §5). Every field has a documented default. */
export interface TrustPolicy {
  /** Operations that may run without a human. Default DELETE_POD, RESTART_DEPLOYMENT, SCALE_DEPLOYMENT. */
  readonly autoOperations: ReadonlySet<Operation>;
  /** Namespaces where automatic actions are allowed. Default none: nothing is auto-approved until configured. */
  readonly autoNamespaces: ReadonlySet<string>;
  /** Minimum model confidence for an automatic action. Default 80. */
  readonly minConfidence: number;
  /** Automatic repairs allowed per hour, across the estate. Default 5. */
  readonly maxRepairsPerHour: number;
  /** Consecutive failed repairs of a fingerprint after which automation stops for it. Default 3. */
  readonly maxConsecutiveFailures: number;
  /** Highest replica count an automatic scale may set. Default 10. */
  readonly maxReplicas: number;
  /** Largest automatic memory/CPU limit increase, as a factor of the current limit. Default 1.5 (+50 %). */
  readonly maxResourceFactor: number;
  /** Oldest revision an automatic rollback may return to. Default 24 h. */
  readonly maxRollbackAgeSeconds: number;
  /** Learned success rate an action needs once it has `minSamples` outcomes. Default 0.6 at 5 samples. */
  readonly minSuccessRate: number;
  readonly minSamples: number;
  /** Signatures once a human must decide. Default medium 1, high 2, critical 2. */
  readonly signatures: Readonly<Record<Exclude<RiskLevel, "low">, number>>;
}

export const DEFAULT_TRUST_POLICY: TrustPolicy = {
  autoOperations: new Set<Operation>(["DELETE_POD", "RESTART_DEPLOYMENT", "SCALE_DEPLOYMENT"]),
  autoNamespaces: new Set<string>(),
  minConfidence: 80,
  maxRepairsPerHour: 5,
  maxConsecutiveFailures: 3,
  maxReplicas: 10,
  maxResourceFactor: 1.5,
  maxRollbackAgeSeconds: 24 * 3_600,
  minSuccessRate: 0.6,
  minSamples: 5,
  signatures: { medium: 1, high: 2, critical: 2 },
};

/** Live state the decision depends on (Redis counters, learning stats). */
export interface TrustCounters {
  readonly repairsLastHour: number;
  readonly consecutiveFailures: number;
  /** Learned outcomes of this action for this fingerprint, when any. */
  readonly learned: { readonly successes: number; readonly samples: number } | undefined;
}

export interface TrustSubject {
  readonly rca: Rca;
  readonly namespace: string | undefined;
  readonly priority: Priority;
  /** The typed action derived from the verdict (`proposeAction`). */
  readonly proposal: ActionProposal;
  /** The executor's plan for exactly this action, when there is an executor to ask. */
  readonly plan: ActionPlan | undefined;
  /** Why there is no plan (no executor, executor unreachable), for the reasons people read. */
  readonly planUnavailable?: string | undefined;
  /** When the decision is made: a plan must be recent. */
  readonly now: Date;
}

export type TrustDecision = (
  | { readonly kind: "auto_approve"; readonly riskLevel: "low"; readonly requiredSignatures: 0 }
  | { readonly kind: "require_approval"; readonly riskLevel: RiskLevel; readonly requiredSignatures: number }
  /** No safe action was proposed: people are told, nothing waits for a decision. */
  | { readonly kind: "notify_only"; readonly riskLevel: RiskLevel; readonly requiredSignatures: 0 }
) & {
  readonly reasons: readonly string[];
  /** Every guardrail of an automatic action, passed or not, for the people who decide instead. */
  readonly guardrails: readonly GuardrailCheck[];
};

const RISK_ORDER: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

/** A plan older than this no longer describes the cluster. */
export const MAX_PLAN_AGE_SECONDS = 600;

/**
 * Decides how much human approval a verdict needs. Nothing a model says runs
 * unchecked: a verdict is auto-approved only when every guardrail holds, and
 * each guardrail that fails is named in the reasons.
 */
export function decideTrust(subject: TrustSubject, counters: TrustCounters, policy: TrustPolicy = DEFAULT_TRUST_POLICY): TrustDecision {
  const { rca } = subject;
  const reasons: string[] = [];
  let risk = rca.risk_level;
  const impact = rca.blast_radius.data_impact;
  if ((impact === "write" || impact === "destructive") && RISK_ORDER.indexOf(risk) < RISK_ORDER.indexOf("high")) {
    reasons.push(`data impact "${impact}" raises risk from ${risk} to high`);
    risk = "high";
  }
  if (rca.suggested_action.operation === "INVESTIGATE") {
    reasons.push("no automatic action was proposed; a human has to investigate");
    return { kind: "notify_only", riskLevel: risk, requiredSignatures: 0, reasons, guardrails: [] };
  }
  const guardrails = evaluateGuardrails(subject, counters, policy);
  if (risk !== "low") {
    const required = policy.signatures[risk];
    reasons.push(`risk ${risk} requires ${required} signature${required === 1 ? "" : "s"}`);
    return { kind: "require_approval", riskLevel: risk, requiredSignatures: required, reasons, guardrails };
  }
  const failed = guardrails.filter((check) => !check.passed);
  if (failed.length === 0) {
    return {
      kind: "auto_approve",
      riskLevel: "low",
      requiredSignatures: 0,
      reasons: ["every guardrail holds for this low-risk action", ...guardrails.map((check) => `${check.name}: ${check.detail}`)],
      guardrails,
    };
  }
  reasons.push(...failed.map((check) => `not automatic: ${check.name}: ${check.detail}`));
  return { kind: "require_approval", riskLevel: "low", requiredSignatures: policy.signatures.medium, reasons, guardrails };
}

/**
 * The same decision once the hourly budget could not be reserved (another
 * consumer took the last slot): a human decides instead.
 */
export function withoutBudget(decision: TrustDecision, policy: TrustPolicy): TrustDecision {
  if (decision.kind !== "auto_approve") return decision;
  const check = { name: "hourly budget", passed: false, detail: `no automatic repair left this hour (limit ${policy.maxRepairsPerHour})` };
  return {
    kind: "require_approval",
    riskLevel: "low",
    requiredSignatures: policy.signatures.medium,
    reasons: [`not automatic: ${check.name}: ${check.detail}`],
    guardrails: [...decision.guardrails.filter((g) => g.name !== check.name), check],
  };
}

/** Every guardrail of an automatic action, each with its verdict. */
export function evaluateGuardrails(subject: TrustSubject, counters: TrustCounters, policy: TrustPolicy): GuardrailCheck[] {
  const { rca, namespace, proposal, plan } = subject;
  const checks: GuardrailCheck[] = [];
  const check = (name: string, passed: boolean, ok: string, fail: string) => checks.push({ name, passed, detail: passed ? ok : fail });
  const operation = rca.suggested_action.operation;

  check("provider", rca.provider !== "rules", `verdict by ${rca.provider}`, "the verdict comes from rules only");
  check("data impact", impact(rca) === "none" || impact(rca) === "read_only", `data impact ${impact(rca)}`, `data impact ${impact(rca)}`);
  check("operation", policy.autoOperations.has(operation), `${operation} may run by itself`, `${operation} is not an automatic operation`);
  check(
    "namespace",
    namespace !== undefined && policy.autoNamespaces.has(namespace),
    `namespace ${namespace} allows automatic actions`,
    `namespace ${namespace ?? "(none)"} is not allowed for automatic actions`,
  );
  check("confidence", rca.confidence >= policy.minConfidence, `confidence ${rca.confidence}`, `confidence ${rca.confidence} is below ${policy.minConfidence}`);
  check(
    "hourly budget",
    counters.repairsLastHour < policy.maxRepairsPerHour,
    `${counters.repairsLastHour} of ${policy.maxRepairsPerHour} automatic repairs used this hour`,
    `${counters.repairsLastHour} automatic repairs in the last hour (limit ${policy.maxRepairsPerHour})`,
  );
  check(
    "failure streak",
    counters.consecutiveFailures < policy.maxConsecutiveFailures,
    `${counters.consecutiveFailures} consecutive failed repairs`,
    `${counters.consecutiveFailures} consecutive failed repairs of this alert`,
  );
  if (counters.learned && counters.learned.samples >= policy.minSamples) {
    const rate = counters.learned.successes / counters.learned.samples;
    check(
      "learned success",
      rate >= policy.minSuccessRate,
      `learned success rate ${rate.toFixed(2)}`,
      `learned success rate ${rate.toFixed(2)} is below ${policy.minSuccessRate}`,
    );
  }
  const typed = proposal.typed;
  check(
    "typed action",
    typed !== null && proposal.issues.length === 0,
    "the action is typed and names the alert's own object",
    [typed === null ? "no typed action could be derived" : "", ...proposal.issues].filter(Boolean).join("; "),
  );
  if (typed === null) return checks;

  if (typed.operation === "SCALE_DEPLOYMENT") {
    const n = typed.params.replicas;
    check(
      "replicas",
      n >= 1 && n <= policy.maxReplicas,
      `scales to ${n} replicas (1..${policy.maxReplicas})`,
      `scales to ${n} replicas (allowed 1..${policy.maxReplicas})`,
    );
  }

  const planProblem = planProblemOf(plan, proposal, subject.now, subject.planUnavailable);
  check("plan", planProblem === undefined, `server dry run passed at ${plan?.planned_at}`, planProblem ?? "");
  if (!plan || planProblem !== undefined) return checks;
  const facts = plan.facts;

  switch (typed.operation) {
    case "DELETE_POD": {
      const others = facts.ready_replicas === undefined ? undefined : facts.ready_replicas - (facts.target_ready === false ? 0 : 1);
      check(
        "another replica ready",
        others !== undefined && others >= 1,
        `${others} other ready replica(s) remain`,
        others === undefined ? "the plan does not know the ready replicas" : `only ${Math.max(0, others)} other ready replica(s) would remain`,
      );
      break;
    }
    case "RESTART_DEPLOYMENT": {
      const ready = facts.ready_replicas;
      check(
        "another replica ready",
        ready !== undefined && ready >= 2,
        `${ready} ready replicas: one stays up while another restarts`,
        ready === undefined ? "the plan does not know the ready replicas" : `${ready} ready replica(s): a restart could leave none ready`,
      );
      break;
    }
    case "INCREASE_MEMORY":
    case "INCREASE_CPU": {
      const verdict = resourceIncrease(typed, facts, policy);
      check("resource increase", verdict.passed, verdict.detail, verdict.detail);
      break;
    }
    case "ROLLBACK_DEPLOYMENT": {
      const created = facts.rollback_revision_created_at ? Date.parse(facts.rollback_revision_created_at) : Number.NaN;
      const age = (subject.now.getTime() - created) / 1000;
      check(
        "rollback age",
        Number.isFinite(age) && age >= 0 && age <= policy.maxRollbackAgeSeconds,
        `revision ${facts.rollback_revision} is ${Math.round(age / 60)} min old`,
        Number.isFinite(age)
          ? `revision ${facts.rollback_revision} is ${Math.round(age / 3_600)} h old (limit ${policy.maxRollbackAgeSeconds / 3_600} h)`
          : "the plan does not know when the target revision was made",
      );
      break;
    }
    case "SCALE_DEPLOYMENT":
      break;
  }
  return checks;
}

const impact = (rca: Rca) => rca.blast_radius.data_impact;

function planProblemOf(plan: ActionPlan | undefined, proposal: ActionProposal, now: Date, unavailable: string | undefined): string | undefined {
  if (!plan) return `no plan (${unavailable ?? "no executor configured"}): without an executor's server dry run the action cannot be automatic`;
  if (plan.digest !== proposal.digest) return "the plan is for a different action";
  const age = (now.getTime() - Date.parse(plan.planned_at)) / 1000;
  if (!(age >= -60 && age <= MAX_PLAN_AGE_SECONDS)) return `the plan is ${Math.round(age)} s old`;
  if (plan.errors.length > 0) return `the plan could not read the cluster: ${plan.errors.join("; ")}`;
  if (!plan.dry_run.ok) return `the server dry run failed (exit ${plan.dry_run.exit_code ?? "none"})`;
  return undefined;
}

function resourceIncrease(
  action: Extract<NonNullable<ActionProposal["typed"]>, { operation: "INCREASE_MEMORY" | "INCREASE_CPU" }>,
  facts: ActionPlan["facts"],
  policy: TrustPolicy,
): { passed: boolean; detail: string } {
  const resource = action.operation === "INCREASE_MEMORY" ? "memory" : "cpu";
  const measure = resource === "memory" ? memoryBytes : cpuMillis;
  const next = measure(action.params.limit);
  const containers = (facts.containers ?? []).filter((c) => action.params.container === null || c.name === action.params.container);
  if (next === undefined) return { passed: false, detail: `the new ${resource} limit ${action.params.limit} is not a quantity` };
  if (containers.length === 0) return { passed: false, detail: `the plan does not know the container's current ${resource} limit` };
  for (const container of containers) {
    const current = container.limits[resource] === undefined ? undefined : measure(container.limits[resource]);
    if (current === undefined || !(current > 0)) return { passed: false, detail: `container ${container.name} has no current ${resource} limit to raise` };
    const factor = next / current;
    if (!(factor <= policy.maxResourceFactor)) {
      return {
        passed: false,
        detail: `${container.name}: ${container.limits[resource]} → ${action.params.limit} is +${Math.round((factor - 1) * 100)} % (limit +${Math.round((policy.maxResourceFactor - 1) * 100)} %)`,
      };
    }
  }
  return {
    passed: true,
    detail: `${resource} limit → ${action.params.limit}, within +${Math.round((policy.maxResourceFactor - 1) * 100)} % of the current limit`,
  };
}
