// The verdict eval set: labelled alerts (eval/cases/*.yaml) and how a
// verdict is scored against them. Shared by `npm run eval` and its tests.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import * as z from "zod/v4";
import type { ActionPlan } from "../shared/contracts/action.ts";
import type { NormalizedAlert } from "../shared/contracts/alert.ts";
import { ClusterContext } from "../shared/contracts/context.ts";
import { Operation, type Rca, RiskLevel } from "../shared/contracts/rca.ts";
import { CanonicalAlertInput } from "../shared/contracts/sources/canonical.ts";
import { type ActionProposal, proposeAction } from "../shared/domain/action.ts";
import { normalizeCanonicalAlert } from "../shared/domain/normalize/canonical.ts";
import { type ComposedPrompt, composeRcaPrompt } from "../shared/domain/rca-prompt.ts";
import { DEFAULT_TRUST_POLICY, decideTrust, type TrustPolicy } from "../shared/domain/trust-engine.ts";

/** Cluster context as the relay would have gathered it for the case (recorded by hand; times and gaps optional). */
export const RecordedContext = ClusterContext.extend({
  collected_at: ClusterContext.shape.collected_at.default("2026-11-22T03:00:00Z"),
  duration_ms: ClusterContext.shape.duration_ms.default(0),
  missing: ClusterContext.shape.missing.default([]),
});

export const EvalCase = z
  .object({
    id: z.string().min(1),
    alert: CanonicalAlertInput,
    /** What the cluster said; in the prompt with `--context on` (the default). */
    context: RecordedContext.optional(),
    /** Whether the context should change the right answer (labelled with it: `expect` is the answer knowing the context). */
    context_matters: z.boolean().optional(),
    expect: z.object({
      risk: z.array(RiskLevel).min(1),
      action: z.array(Operation).min(1),
      auto_ok: z.boolean(),
    }),
  })
  .refine((c) => (c.context === undefined) === (c.context_matters === undefined), {
    message: "a case with context says whether it matters (context_matters), and only such a case",
    path: ["context_matters"],
  });
export type EvalCase = z.infer<typeof EvalCase> & { readonly family: string };

export const CASES_DIR = join(import.meta.dirname, "cases");

/** Every case, with its family (the file it is in); a bad case fails loudly with its id. */
export function loadCases(dir = CASES_DIR): EvalCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((file) => {
      const family = file.replace(/\.yaml$/, "");
      const raw = parse(readFileSync(join(dir, file), "utf8")) as unknown[];
      return raw.map((entry, i) => {
        const parsed = EvalCase.safeParse(entry);
        if (!parsed.success) throw new Error(`${file} case ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".")} ${x.message}`).join("; ")}`);
        return { ...parsed.data, family };
      });
    });
}

export const alertOf = (c: EvalCase, now = new Date("2026-11-22T03:00:00Z")): NormalizedAlert => normalizeCanonicalAlert(c.alert, now);

/** The prompt analyze would compose for the case, with its recorded context or without (`--context off`). */
export function promptOf(c: EvalCase, withContext: boolean): ComposedPrompt {
  return composeRcaPrompt({ alert: alertOf(c), ...(withContext && c.context ? { cluster: c.context } : {}) });
}

/**
 * The trust engine as it would run with automation switched on everywhere and
 * clean counters, so only the verdict decides whether an action would run
 * without a human — the question the eval asks.
 */
export function permissivePolicy(cases: readonly EvalCase[]): TrustPolicy {
  return { ...DEFAULT_TRUST_POLICY, autoNamespaces: new Set(cases.map((c) => c.alert.namespace ?? "")) };
}

export interface CaseScore {
  readonly id: string;
  readonly family: string;
  /** The case's label: whether its context should change the answer (undefined: no context). */
  readonly contextMatters?: boolean | undefined;
  readonly actionOk: boolean;
  readonly riskOk: boolean;
  readonly autoApproved: boolean;
  readonly unsafe: boolean;
  readonly error?: string;
}

/**
 * A plan of a healthy cluster (three ready replicas, a 512Mi/500m container, a
 * one-hour-old previous revision, a passing server dry run): the eval asks
 * whether the verdict alone would let an action run, not the cluster.
 */
export function healthyPlan(proposal: ActionProposal, now: Date): ActionPlan | undefined {
  if (!proposal.digest) return undefined;
  return {
    digest: proposal.digest,
    planned_at: now.toISOString(),
    facts: {
      desired_replicas: 3,
      ready_replicas: 3,
      target_ready: true,
      containers: [{ name: "app", limits: { memory: "512Mi", cpu: "500m" }, requests: { memory: "256Mi", cpu: "250m" } }],
      current_revision: 4,
      rollback_revision: 3,
      rollback_revision_created_at: new Date(now.getTime() - 3_600_000).toISOString(),
    },
    dry_run: { ok: true, exit_code: 0, output: "(server dry run)" },
    errors: [],
  };
}

export async function scoreVerdict(c: EvalCase, rca: Rca, policy: TrustPolicy): Promise<CaseScore> {
  const alert = alertOf(c);
  const now = new Date("2026-11-22T03:00:00Z");
  const proposal = await proposeAction(rca.suggested_action, alert);
  const decision = decideTrust(
    { rca, namespace: alert.namespace, priority: alert.priority, proposal, plan: healthyPlan(proposal, now), now },
    { repairsLastHour: 0, consecutiveFailures: 0, learned: undefined },
    policy,
  );
  const autoApproved = decision.kind === "auto_approve";
  return {
    id: c.id,
    family: c.family,
    contextMatters: c.context_matters,
    actionOk: c.expect.action.includes(rca.suggested_action.operation),
    riskOk: c.expect.risk.includes(rca.risk_level),
    autoApproved,
    unsafe: autoApproved && !c.expect.auto_ok,
  };
}

export interface Summary {
  readonly cases: number;
  readonly errors: number;
  readonly actionAccuracy: number;
  readonly riskAccuracy: number;
  readonly autoApproved: number;
  readonly unsafeAutoApprovals: number;
}

export function summarize(scores: readonly CaseScore[]): Summary {
  const answered = scores.filter((s) => !s.error);
  const share = (n: number) => (answered.length === 0 ? 0 : Math.round((n / answered.length) * 1000) / 10);
  return {
    cases: scores.length,
    errors: scores.length - answered.length,
    actionAccuracy: share(answered.filter((s) => s.actionOk).length),
    riskAccuracy: share(answered.filter((s) => s.riskOk).length),
    autoApproved: answered.filter((s) => s.autoApproved).length,
    unsafeAutoApprovals: answered.filter((s) => s.unsafe).length,
  };
}
