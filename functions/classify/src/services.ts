import type { Kysely } from "kysely";
import { createHttpExecutor } from "../../../shared/adapters/http-executor.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { type Database, databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createLearningHistory } from "../../../shared/adapters/neon-kysely-execution-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { createUpstashLearningStats } from "../../../shared/adapters/upstash-learning-stats.ts";
import { createUpstashMetrics } from "../../../shared/adapters/upstash-metrics.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { createUpstashTrustCounters } from "../../../shared/adapters/upstash-trust-counters.ts";
import { ExecuteRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { createLog } from "../../../shared/logging.ts";
import { flushingMetrics } from "../../../shared/ports/metrics.ts";
import { publish } from "../../../shared/queue/publish.ts";
import { configOf, type Env, trustPolicyOf } from "./env.ts";
import type { ClassifyDeps } from "./handle.ts";

/**
 * The one database lifetime: `work` runs with classify's services over a
 * database handle that lives exactly as long as it (one batch).
 */
export function withServices<T>(env: Env, work: (services: ClassifyDeps) => Promise<T>): Promise<T> {
  return withDb(databaseConnectionOf(configOf(env)), (db) => flushingMetrics(servicesOn(env, db), work));
}

/** The composition root of one batch: stores over the batch's database handle (closed by its owner), REST clients, the policy. */
export function servicesOn(env: Env, db: Kysely<Database>): ClassifyDeps {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  const log = createLog("classify");
  return {
    approvals: createApprovalStore(db),
    incidents: createIncidentStore(db),
    learning: createUpstashLearningStats(redis),
    playbooks: createLearningHistory(db),
    counters: createUpstashTrustCounters(redis, (error) => log("trust_counters_unavailable", { error: String(error) })),
    smoke: createUpstashSmokeLedger(redis),
    metrics: createUpstashMetrics(redis, (error) => log("metrics_unavailable", { error: String(error) })),
    policy: trustPolicyOf(config),
    approvalPolicy: { expirySeconds: config.APPROVAL_EXPIRY },
    executor: config.EXECUTOR_URL && config.EXECUTOR_SECRET ? createHttpExecutor({ url: config.EXECUTOR_URL, secret: config.EXECUTOR_SECRET }) : undefined,
    dryRun: config.EXECUTOR_DRY_RUN,
    log,
    publishNotify: (message: NotifyRequestedV2) => publish(env.NOTIFY_QUEUE, NotifyRequestedV2, message),
    publishExecute: (message: ExecuteRequestedV1) => publish(env.EXECUTE_QUEUE, ExecuteRequestedV1, message),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  };
}
