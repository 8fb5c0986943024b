import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "zod/v4";
import { Fingerprint } from "../../../shared/contracts/alert.ts";
import { LearningRecommendation, LearningSummary } from "../../../shared/contracts/ops-api.ts";
import { ACTION_TIER, DEFAULT_LEARNING_POLICY, type Recommendation, recommend, type ScoredAction, successRate } from "../../../shared/domain/learning.ts";
import { describeRoute, jsonAnswer, refusals, SECURITY } from "../../../shared/http/route-docs.ts";
import type { ApproveEnv } from "./services.ts";

const FingerprintParam = z.object({
  fingerprint: Fingerprint.describe("the alert's fingerprint (16 lowercase hex digits)"),
});

const learningRoute = <const P extends string, S extends z.ZodType>(path: P, summary: string, description: string, answer: S) =>
  describeRoute({
    method: "get",
    path,
    summary,
    tags: ["learning"],
    security: SECURITY.ops,
    request: { params: FingerprintParam },
    responses: { 200: jsonAnswer(description, answer), ...refusals(400, 401) },
  });

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
export const learningRoutes = () =>
  new OpenAPIHono<ApproveEnv>()
    .openapi(
      learningRoute(
        "/api/v1/learning/summary/{fingerprint}",
        "What past repairs of an alert taught",
        "stats, outcomes, playbook, recommendation",
        LearningSummary,
      ),
      async (c) => {
        const { fingerprint } = c.req.valid("param");
        const services = c.get("services");
        const [stats, recent, playbook] = await Promise.all([
          services.learningStats.stats(fingerprint),
          services.learningHistory.recentOutcomes(fingerprint, 20),
          services.learningHistory.playbook(fingerprint),
        ]);
        const recommendation = recommend(stats);
        return c.json(
          {
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
          },
          200,
        );
      },
    )
    .openapi(
      learningRoute(
        "/api/v1/learning/recommendation/{fingerprint}",
        "The recommended action for an alert",
        "recommendation or null with a reason",
        LearningRecommendation,
      ),
      async (c) => {
        const { fingerprint } = c.req.valid("param");
        const recommendation = recommend(await c.get("services").learningStats.stats(fingerprint));
        return c.json(
          {
            fingerprint,
            recommendation: recommendationJson(recommendation),
            ...(recommendation ? {} : { reason: NO_RECOMMENDATION }),
          },
          200,
        );
      },
    );
