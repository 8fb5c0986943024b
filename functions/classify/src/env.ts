import * as z from "zod/v4";
import { DatabaseEnv, ExecutorEnv, parseEnv, RedisEnv, requireExecutorSecret, setOf } from "../../../shared/config/env.ts";
import { perPriorityDuration } from "../../../shared/config/per-priority.ts";
import { Operation } from "../../../shared/contracts/rca.ts";
import { DEFAULT_APPROVAL_POLICY } from "../../../shared/domain/approval-policy.ts";
import { DEFAULT_TRUST_POLICY, type TrustPolicy } from "../../../shared/domain/trust-engine.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = ClassifyBindings;

const List = setOf(z.string(), "", "must be a comma-separated list");

export const ClassifyConfig = DatabaseEnv.extend(RedisEnv.shape)
  .extend(ExecutorEnv.shape)
  .extend({
    /** Namespaces where low-risk fixes may run without a human. Default none: nothing is automatic until set. */
    AUTO_APPROVE_NAMESPACES: List,
    /** Operations that may run without a human. Default DELETE_POD,RESTART_DEPLOYMENT,SCALE_DEPLOYMENT. */
    AUTO_APPROVE_OPERATIONS: setOf(Operation, "DELETE_POD,RESTART_DEPLOYMENT,SCALE_DEPLOYMENT", `must list operations from ${Operation.options.join(", ")}`),
    /** Minimum model confidence for an automatic action. Default 80. */
    AUTO_APPROVE_MIN_CONFIDENCE: z.coerce.number().min(0).max(100).default(80),
    /** Automatic repairs per hour across the estate. Default 5. */
    MAX_REPAIRS_PER_HOUR: z.coerce.number().int().min(0).default(5),
    /** Consecutive failed repairs of one alert before automation stops for it. Default 3. */
    MAX_CONSECUTIVE_FAILURES: z.coerce.number().int().min(0).default(3),
    /** Highest replica count an automatic scale may set. Default 10. */
    MAX_REPLICAS: z.coerce.number().int().min(1).default(10),
    /** How long approvals stay open, e.g. `P0=30m,P1=24h`. Default P0 30 min, others 24 h. */
    APPROVAL_EXPIRY: perPriorityDuration(DEFAULT_APPROVAL_POLICY.expirySeconds),
  })
  .superRefine(requireExecutorSecret);
export type ClassifyConfig = z.infer<typeof ClassifyConfig>;

export const configOf = (env: Env): ClassifyConfig => parseEnv("classify", ClassifyConfig, env);

export function trustPolicyOf(config: ClassifyConfig): TrustPolicy {
  return {
    ...DEFAULT_TRUST_POLICY,
    autoNamespaces: config.AUTO_APPROVE_NAMESPACES,
    autoOperations: config.AUTO_APPROVE_OPERATIONS,
    minConfidence: config.AUTO_APPROVE_MIN_CONFIDENCE,
    maxRepairsPerHour: config.MAX_REPAIRS_PER_HOUR,
    maxConsecutiveFailures: config.MAX_CONSECUTIVE_FAILURES,
    maxReplicas: config.MAX_REPLICAS,
  };
}
