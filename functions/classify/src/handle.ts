import type { ActionPlan, ApprovalAlternative } from "../../../shared/contracts/action.ts";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import type { Triage } from "../../../shared/contracts/approval.ts";
import { executeRequested, notifyRequested } from "../../../shared/contracts/envelopes.ts";
import type { ClassifyRequestedV1, ExecuteRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import type { Operation } from "../../../shared/contracts/rca.ts";
import { type ActionProposal, approvalActionOf, proposeAction } from "../../../shared/domain/action.ts";
import { type ApprovalPolicy, approvalExpiry } from "../../../shared/domain/approval-policy.ts";
import { learnedReasons, learnedRecord } from "../../../shared/domain/learning.ts";
import { smokeRunOf } from "../../../shared/domain/smoke.ts";
import { decideTrust, type TrustDecision, type TrustPolicy, withoutBudget } from "../../../shared/domain/trust-engine.ts";
import type { Log } from "../../../shared/logging.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { Executor } from "../../../shared/ports/executor.ts";
import type { IncidentStore } from "../../../shared/ports/incident-store.ts";
import type { LearningHistory, LearningStats, Playbook } from "../../../shared/ports/learning.ts";
import type { Metrics } from "../../../shared/ports/metrics.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";
import type { TrustCountersSource } from "../../../shared/ports/trust-counters.ts";

export interface ClassifyDeps {
  readonly approvals: ApprovalStore;
  readonly incidents: IncidentStore;
  readonly counters: TrustCountersSource;
  /** What past repairs taught: the learned record (Redis) and the alert's playbook (Postgres). Advice: a failure leaves them out. */
  readonly learning: LearningStats;
  readonly playbooks: LearningHistory;
  readonly metrics: Metrics;
  readonly smoke: SmokeLedger;
  readonly policy: TrustPolicy;
  readonly approvalPolicy: ApprovalPolicy;
  /** Asked for a plan of every typed action; absent: nothing can be automatic. */
  readonly executor: Executor | undefined;
  /** Whether executions written here (automatic approvals) are dry runs (`EXECUTOR_DRY_RUN`). */
  readonly dryRun: boolean;
  readonly log: Log;
  readonly publishNotify: (message: NotifyRequestedV2) => Promise<void>;
  readonly publishExecute: (message: ExecuteRequestedV1) => Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
}

/**
 * Decides how much human approval the verdict needs and records it: the
 * decision on the incident, an approval row unless nothing can be approved,
 * the execution hand-off for an automatic approval, and a notification. A
 * redelivery finds what the first delivery stored and re-sends the same
 * message ids, which notify and the executor absorb.
 */
export async function handleClassifyRequested(message: ClassifyRequestedV1, deps: ClassifyDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert, rca } = message.payload;
  const now = deps.now();
  const incident = await deps.incidents.get(incidentId);
  if (!incident) throw new Error(`incident ${incidentId} not found (yet)`);
  const smokeRun = smokeRunOf(alert);
  const proposal = await proposeAction(rca.suggested_action, alert);
  // A synthetic smoke run must never be approved, let alone executed: it only has to arrive.
  let decision: TrustDecision;
  let plan: ActionPlan | undefined;
  if (smokeRun) {
    decision = {
      kind: "notify_only",
      riskLevel: rca.risk_level,
      requiredSignatures: 0,
      reasons: ["synthetic smoke test: never approved or executed"],
      guardrails: [],
    };
  } else {
    const planned = await planOf(proposal, deps, message.correlationId);
    plan = planned.plan;
    decision = decideTrust(
      { rca, namespace: alert.namespace, priority: alert.priority, proposal, plan, planUnavailable: planned.unavailable, now },
      await deps.counters.read(fingerprint, rca.suggested_action.operation, now.getTime()),
      deps.policy,
    );
    // The budget is taken atomically, last: concurrent consumers cannot both take its last slot.
    if (decision.kind === "auto_approve" && !(await deps.counters.reserveAutomaticRepair(incidentId, now.getTime(), deps.policy.maxRepairsPerHour))) {
      decision = withoutBudget(decision, deps.policy);
    }
  }
  const learned = smokeRun ? { reasons: [], playbook: undefined } : await learnedFor(fingerprint, rca.suggested_action.operation, deps);
  const triage: Triage = {
    decision: decision.kind,
    risk_level: decision.riskLevel,
    required_signatures: decision.requiredSignatures,
    reasons: [...decision.reasons, ...learned.reasons],
    decided_at: now.toISOString(),
  };
  await deps.incidents.recordTriage(incidentId, triage);
  const stored = (await deps.incidents.get(incidentId))?.triage ?? triage;
  const resolved = incident.status === "resolved";

  const action = approvalActionOf(rca.suggested_action, proposal, plan, decision.guardrails);
  const notification = {
    incident_id: incidentId,
    fingerprint,
    alert,
    rca,
    action,
    reasons: stored.reasons,
    signatures: [],
  };

  if (stored.decision === "notify_only") {
    // Nothing can be approved: people are told, and nothing waits on them.
    if (smokeRun) await deps.smoke.stamp(smokeRun, "classified", now.getTime());
    if (resolved) return;
    await deps.publishNotify(
      notifyRequested(
        { ...notification, kind: "notify_only", required_signatures: 0 },
        { id: `notify:${incidentId}:notify_only`, at: now, correlationId: message.correlationId },
      ),
    );
    return;
  }

  const automatic = stored.decision === "auto_approve";
  // People decide: when the alert's playbook disagrees with the verdict, they may choose its action instead.
  const alternative =
    !automatic && !resolved && learned.playbook && learned.playbook.operation !== rca.suggested_action.operation
      ? await playbookAlternative(learned.playbook, alert, deps, message.correlationId)
      : undefined;
  const { approval, created } = await deps.approvals.createForIncident({
    id: deps.newId(),
    incidentId,
    riskLevel: stored.risk_level,
    requiredSignatures: stored.required_signatures,
    autoApproved: !resolved && automatic,
    initialStatus: resolved ? "OBSOLETE" : automatic ? "APPROVED" : "PENDING",
    reasons: resolved ? [...stored.reasons, "the incident resolved before a decision was needed"] : stored.reasons,
    action,
    alternative,
    dryRun: deps.dryRun,
    expiresAt: new Date(approvalExpiry(alert.priority, Math.floor(now.getTime() / 1000), deps.approvalPolicy) * 1000),
    createdAt: now,
    correlationId: message.correlationId,
  });

  if (created) await deps.metrics.increment("awoooi_approvals_created_total", { risk_level: approval.riskLevel });
  // Nobody needs to act on an incident that resolved on its own.
  if (approval.status === "OBSOLETE") return;
  if (approval.autoApproved) {
    if (approval.executionId) {
      await deps.publishExecute(
        executeRequested(
          { execution_id: approval.executionId, approval_id: approval.id, incident_id: incidentId },
          { id: `execute:${approval.executionId}`, at: now, correlationId: message.correlationId },
        ),
      );
    }
  }
  const kind = approval.autoApproved ? "auto_approved" : "approval_requested";
  await deps.publishNotify(
    notifyRequested(
      {
        ...notification,
        // What the approval holds, should a redelivery have planned differently.
        action: approval.action,
        kind,
        approval_id: approval.id,
        approval_status: approval.status,
        required_signatures: approval.requiredSignatures,
        expires_at: Math.floor(approval.expiresAt.getTime() / 1000),
      },
      { id: `notify:${approval.id}:${kind}`, at: now, correlationId: message.correlationId },
    ),
  );
}

/**
 * The playbook's action as the approval's alternative: derived for the alert's
 * own target like any verdict's action, planned by the executor, chosen by its
 * digest. Nothing is offered when it has no typed form (nothing could run it).
 */
async function playbookAlternative(
  playbook: Playbook,
  alert: NormalizedAlert,
  deps: ClassifyDeps,
  correlationId: string,
): Promise<ApprovalAlternative | undefined> {
  const record = `${playbook.operation} worked in ${Math.round(playbook.successRate * 100)}% of ${playbook.samples} repairs of this alert`;
  const suggested = { operation: playbook.operation, command: playbook.command, description: `This alert's playbook: ${record}` };
  const proposal = await proposeAction(suggested, alert);
  if (!proposal.typed || !proposal.digest) return undefined;
  const planned = await planOf(proposal, deps, correlationId);
  return { source: "playbook", reason: `this alert's playbook: ${record}`, action: approvalActionOf(suggested, proposal, planned.plan, []) };
}

/** The learned record and the playbook of a fingerprint, and both as reasons; either source failing only leaves it out. */
async function learnedFor(fingerprint: string, operation: Operation, deps: ClassifyDeps): Promise<{ reasons: string[]; playbook: Playbook | undefined }> {
  const [stats, playbook] = await Promise.all([
    deps.learning.stats(fingerprint).catch((error) => {
      deps.log("learning_unavailable", { fingerprint, error: String(error) });
      return [];
    }),
    deps.playbooks.playbook(fingerprint).catch((error) => {
      deps.log("playbook_unavailable", { fingerprint, error: String(error) });
      return undefined;
    }),
  ]);
  return { reasons: learnedReasons(operation, learnedRecord(stats), playbook), playbook };
}

/** Asks the executor for a server dry run of a typed action; nothing to plan for untyped ones. */
async function planOf(
  proposal: ActionProposal,
  deps: ClassifyDeps,
  correlationId: string,
): Promise<{ plan: ActionPlan | undefined; unavailable: string | undefined }> {
  // Nothing typed (INVESTIGATE included): nothing an executor could plan.
  if (!proposal.typed || !proposal.argv || !proposal.digest) return { plan: undefined, unavailable: undefined };
  if (!deps.executor) return { plan: undefined, unavailable: "no executor configured" };
  const outcome = await deps.executor.plan({ request_id: deps.newId(), action: proposal.typed, argv: [...proposal.argv], digest: proposal.digest });
  if (outcome.kind === "planned") return { plan: outcome.plan, unavailable: undefined };
  deps.log("plan_unavailable", { correlation_id: correlationId, reason: outcome.reason });
  return { plan: undefined, unavailable: outcome.reason };
}
