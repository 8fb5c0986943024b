import type { Hono } from "hono";
import { Fingerprint } from "../../../shared/contracts/alert.ts";
import { ACTION_TIER, DEFAULT_LEARNING_POLICY, type Recommendation, recommend, type ScoredAction, successRate } from "../../../shared/domain/learning.ts";
import { AppError } from "../../../shared/http/errors.ts";
import type { ApproveEnv } from "./services.ts";

function fingerprintParam(value: string): string {
  const parsed = Fingerprint.safeParse(value);
  if (!parsed.success) {
    throw new AppError("invalid_request", "fingerprint must be 16 lowercase hex digits", {
      fields: [{ field: "fingerprint", message: "must be 16 lowercase hex digits" }],
    });
  }
  return parsed.data;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

const scored = (action: ScoredAction) => ({
  action: action.operation,
  score: round(action.score),
  success_rate: round(action.successRate),
  samples: action.samples,
  tier: action.tier,
  avg_duration_ms: action.avgDurationMs ?? null,
});

function recommendationJson(recommendation: Recommendation | undefined) {
  if (!recommendation) return null;
  return { ...scored(recommendation.best), alternatives: recommendation.alternatives.map(scored) };
}

const NO_RECOMMENDATION = `no action has ${DEFAULT_LEARNING_POLICY.minSamples} or more outcomes with at least ${DEFAULT_LEARNING_POLICY.minSuccessRate * 100}% success yet`;

/** Seed 002 Phase G: what the outcomes of past repairs say about a fingerprint (bearer OPS_TOKEN). */
export function mountLearningRoutes(app: Hono<ApproveEnv>): void {
  app.get("/api/v1/learning/summary/:fingerprint", async (c) => {
    const fingerprint = fingerprintParam(c.req.param("fingerprint"));
    const services = c.get("services");
    const [stats, recent, playbook] = await Promise.all([
      services.learningStats.stats(fingerprint),
      services.learningHistory.recentOutcomes(fingerprint, 20),
      services.learningHistory.playbook(fingerprint),
    ]);
    const recommendation = recommend(stats);
    return c.json({
      fingerprint,
      total_samples: stats.reduce((sum, s) => sum + s.samples, 0),
      actions: stats
        .map((s) => ({
          action: s.operation,
          samples: s.samples,
          successes: s.successes,
          success_rate: round(successRate(s)),
          avg_duration_ms: s.timedSamples > 0 ? Math.round(s.totalDurationMs / s.timedSamples) : null,
          tier: ACTION_TIER[s.operation],
        }))
        .sort((a, b) => b.samples - a.samples || a.action.localeCompare(b.action)),
      recent_outcomes: recent.map((o) => ({
        action: o.operation,
        success: o.success,
        duration_ms: o.durationMs ?? null,
        execution_id: o.executionId ?? null,
        recorded_at: o.recordedAt.toISOString(),
      })),
      playbook: playbook
        ? {
            action: playbook.operation,
            command: playbook.command,
            success_rate: round(playbook.successRate),
            samples: playbook.samples,
            updated_at: playbook.updatedAt.toISOString(),
          }
        : null,
      recommendation: recommendationJson(recommendation),
    });
  });

  app.get("/api/v1/learning/recommendation/:fingerprint", async (c) => {
    const fingerprint = fingerprintParam(c.req.param("fingerprint"));
    const recommendation = recommend(await c.get("services").learningStats.stats(fingerprint));
    return c.json({
      fingerprint,
      recommendation: recommendationJson(recommendation),
      ...(recommendation ? {} : { reason: NO_RECOMMENDATION }),
    });
  });
}
