import type { Priority } from "../contracts/alert.ts";
import type { Operation, Rca, RiskLevel } from "../contracts/rca.ts";

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
}

export type TrustDecision =
  | { readonly kind: "auto_approve"; readonly riskLevel: "low"; readonly requiredSignatures: 0; readonly reasons: readonly string[] }
  | { readonly kind: "require_approval"; readonly riskLevel: RiskLevel; readonly requiredSignatures: number; readonly reasons: readonly string[] }
  /** No safe action was proposed: people are told, nothing waits for a decision. */
  | { readonly kind: "notify_only"; readonly riskLevel: RiskLevel; readonly requiredSignatures: 0; readonly reasons: readonly string[] };

const RISK_ORDER: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

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
    return { kind: "notify_only", riskLevel: risk, requiredSignatures: 0, reasons };
  }
  if (risk !== "low") {
    const required = policy.signatures[risk];
    reasons.push(`risk ${risk} requires ${required} signature${required === 1 ? "" : "s"}`);
    return { kind: "require_approval", riskLevel: risk, requiredSignatures: required, reasons };
  }

  const blockers = guardrailBlockers(subject, counters, policy);
  if (blockers.length === 0) {
    return { kind: "auto_approve", riskLevel: "low", requiredSignatures: 0, reasons: ["every guardrail holds for this low-risk action"] };
  }
  reasons.push(...blockers.map((blocker) => `not automatic: ${blocker}`));
  return { kind: "require_approval", riskLevel: "low", requiredSignatures: policy.signatures.medium, reasons };
}

/** Every guardrail of an automatic action that does not hold (empty: all hold). */
export function guardrailBlockers(subject: TrustSubject, counters: TrustCounters, policy: TrustPolicy): string[] {
  const { rca, namespace } = subject;
  const blockers: string[] = [];
  if (rca.provider === "rules") blockers.push("the verdict comes from rules only");
  if (rca.blast_radius.data_impact !== "none" && rca.blast_radius.data_impact !== "read_only") blockers.push(`data impact ${rca.blast_radius.data_impact}`);
  if (!policy.autoOperations.has(rca.suggested_action.operation)) blockers.push(`${rca.suggested_action.operation} is not an automatic operation`);
  if (!namespace || !policy.autoNamespaces.has(namespace)) blockers.push(`namespace ${namespace ?? "(none)"} is not allowed for automatic actions`);
  if (!(rca.confidence >= policy.minConfidence)) blockers.push(`confidence ${rca.confidence} is below ${policy.minConfidence}`);
  if (!(counters.repairsLastHour < policy.maxRepairsPerHour))
    blockers.push(`${counters.repairsLastHour} automatic repairs in the last hour (limit ${policy.maxRepairsPerHour})`);
  if (!(counters.consecutiveFailures < policy.maxConsecutiveFailures))
    blockers.push(`${counters.consecutiveFailures} consecutive failed repairs of this alert`);
  if (rca.suggested_action.operation === "SCALE_DEPLOYMENT") {
    const replicas = targetReplicas(rca.suggested_action.command);
    if (replicas === undefined) blockers.push("the scale target is not a plain replica count");
    else if (replicas > policy.maxReplicas) blockers.push(`scales to ${replicas} replicas (limit ${policy.maxReplicas})`);
  }
  if (counters.learned && counters.learned.samples >= policy.minSamples) {
    const rate = counters.learned.successes / counters.learned.samples;
    if (!(rate >= policy.minSuccessRate)) blockers.push(`learned success rate ${rate.toFixed(2)} is below ${policy.minSuccessRate}`);
  }
  return blockers;
}

/** `kubectl scale … --replicas=N` → N; anything else undefined. */
export function targetReplicas(command: string): number | undefined {
  const match = /--replicas[= ](\d{1,6})\b/.exec(command);
  return match ? Number(match[1]) : undefined;
}
