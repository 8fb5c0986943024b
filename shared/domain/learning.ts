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
