import type { Operation } from "../contracts/rca.ts";

/** Outcomes of one action for one alert fingerprint. */
export interface ActionStats {
  readonly operation: Operation;
  readonly samples: number;
  readonly successes: number;
  /** Sum of reported durations, over `timedSamples` outcomes that reported one. */
  readonly totalDurationMs: number;
  readonly timedSamples: number;
}

/** Seed 002 Phase G: how much history a recommendation or a playbook needs. */
export interface LearningPolicy {
  readonly minSamples: number;
  readonly minSuccessRate: number;
  readonly playbookMinSamples: number;
  readonly playbookMinSuccessRate: number;
}

export const DEFAULT_LEARNING_POLICY: LearningPolicy = { minSamples: 5, minSuccessRate: 0.6, playbookMinSamples: 5, playbookMinSuccessRate: 0.8 };

/**
 * Escalation tiers of remediation (seed 002 Phase G TIER_ACTIONS): restarts,
 * then resource changes, then config/code changes, then people. On equal
 * evidence the gentler action wins.
 */
export const ACTION_TIER: Readonly<Record<Operation, 1 | 2 | 3 | 4>> = {
  DELETE_POD: 1,
  RESTART_DEPLOYMENT: 1,
  CLEAR_CACHE: 1,
  SCALE_DEPLOYMENT: 2,
  INCREASE_MEMORY: 2,
  INCREASE_CPU: 2,
  VACUUM_DB: 2,
  RERUN_PIPELINE: 2,
  ROLLBACK_DEPLOYMENT: 3,
  RENEW_CERTIFICATE: 3,
  PATCH_VULNERABILITY: 3,
  INVESTIGATE: 4,
};

export interface ScoredAction {
  readonly operation: Operation;
  readonly score: number;
  readonly successRate: number;
  readonly samples: number;
  readonly tier: 1 | 2 | 3 | 4;
  readonly avgDurationMs: number | undefined;
}

export interface Recommendation {
  readonly best: ScoredAction;
  readonly alternatives: readonly ScoredAction[];
}

export const successRate = (stats: Pick<ActionStats, "samples" | "successes">): number => (stats.samples > 0 ? stats.successes / stats.samples : 0);

/**
 * The action with the best `success_rate × ln(n + 1)` among those with enough
 * samples and a high enough success rate; ties go to the lower tier, then to
 * the operation name so the answer is stable. Undefined when nothing qualifies.
 */
export function recommend(stats: readonly ActionStats[], policy: LearningPolicy = DEFAULT_LEARNING_POLICY): Recommendation | undefined {
  const scored = stats
    .filter((s) => s.samples >= policy.minSamples && successRate(s) >= policy.minSuccessRate)
    .map(
      (s): ScoredAction => ({
        operation: s.operation,
        score: successRate(s) * Math.log(s.samples + 1),
        successRate: successRate(s),
        samples: s.samples,
        tier: ACTION_TIER[s.operation],
        avgDurationMs: s.timedSamples > 0 ? Math.round(s.totalDurationMs / s.timedSamples) : undefined,
      }),
    )
    .sort((a, b) => b.score - a.score || a.tier - b.tier || a.operation.localeCompare(b.operation));
  const [best, ...rest] = scored;
  return best ? { best, alternatives: rest.slice(0, 2) } : undefined;
}

export interface PlaybookEntry {
  readonly operation: Operation;
  readonly successRate: number;
  readonly samples: number;
}

/**
 * What an action's latest record means for the fingerprint's playbook: it earns
 * the playbook with enough samples at a high success rate unless a better-proven
 * action holds it; the holder's own figures are refreshed, and a holder whose
 * record falls below the bar loses it.
 */
export function playbookChange(
  candidate: PlaybookEntry,
  existing: PlaybookEntry | undefined,
  policy: LearningPolicy = DEFAULT_LEARNING_POLICY,
): "update" | "remove" | "keep" {
  const qualifies = candidate.samples >= policy.playbookMinSamples && candidate.successRate >= policy.playbookMinSuccessRate;
  if (existing?.operation === candidate.operation) return qualifies ? "update" : "remove";
  if (!qualifies) return "keep";
  return !existing || candidate.successRate > existing.successRate ? "update" : "keep";
}

/**
 * The learned record a prompt (and a person) is shown for a fingerprint: the
 * recommended operation with its plain record ("worked 5 of 5 times") and
 * tier, or undefined while no operation has enough good outcomes.
 */
export function learnedRecord(
  stats: readonly ActionStats[],
  policy: LearningPolicy = DEFAULT_LEARNING_POLICY,
): { operation: Operation; successes: number; samples: number; tier: number } | undefined {
  const best = recommend(stats, policy)?.best;
  const record = best && stats.find((s) => s.operation === best.operation);
  return best && record ? { operation: best.operation, successes: record.successes, samples: record.samples, tier: best.tier } : undefined;
}

export type LearnedRecord = NonNullable<ReturnType<typeof learnedRecord>>;

/**
 * What past repairs of the alert say about the verdict's operation, as named
 * reasons the decision carries to people: the learned record and its tier,
 * and whether the alert's playbook agrees — or, when it does not, which action
 * it would take instead.
 */
export function learnedReasons(
  operation: Operation,
  learned: LearnedRecord | undefined,
  playbook: { readonly operation: Operation; readonly successRate: number; readonly samples: number; readonly command: string } | undefined,
): string[] {
  const reasons: string[] = [];
  if (learned) {
    const record = `learned: ${learned.operation} worked ${learned.successes} of ${learned.samples} times for this alert (tier ${learned.tier})`;
    reasons.push(
      learned.operation === operation
        ? `${record}; the verdict agrees`
        : `${record}; the verdict proposes ${operation} (tier ${ACTION_TIER[operation]}) instead`,
    );
  }
  if (playbook) {
    const record = `playbook: ${playbook.operation} is this alert's playbook (${Math.round(playbook.successRate * 100)}% of ${playbook.samples})`;
    reasons.push(
      playbook.operation === operation
        ? `${record}; the verdict agrees`
        : `${record}; the verdict proposes ${operation} — the playbook's alternative: ${playbook.command}`,
    );
  }
  return reasons;
}
