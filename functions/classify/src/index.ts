import { createHttpExecutor } from "../../../shared/adapters/http-executor.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { postgresReady } from "../../../shared/adapters/postgres-readiness.ts";
import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { createUpstashMetrics } from "../../../shared/adapters/upstash-metrics.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { createUpstashTrustCounters } from "../../../shared/adapters/upstash-trust-counters.ts";
import { ClassifyRequestedV1, ExecuteRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { newApp } from "../../../shared/http/app.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { publish } from "../../../shared/queue/publish.ts";
import { configOf, type Env, trustPolicyOf } from "./env.ts";
import { handleClassifyRequested } from "./handle.ts";

const app = newApp<Env>("classify");
mountHealthRoutes(app, "classify", (env) => [
  ...storeChecks(configOf(env), postgresReady),
  ...queuesBound(env, ["NOTIFY_QUEUE", "EXECUTE_QUEUE", "DEAD_LETTER_QUEUE"]),
]);

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const config = configOf(env);
    const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
    await withDb(databaseConnectionOf(config), async (db) => {
      const deps = {
        approvals: createApprovalStore(db),
        incidents: createIncidentStore(db),
        counters: createUpstashTrustCounters(redis, (error) =>
          console.error(JSON.stringify({ service: "classify", event: "trust_counters_unavailable", error: String(error) })),
        ),
        smoke: createUpstashSmokeLedger(redis),
        metrics: createUpstashMetrics(redis, (error) =>
          console.error(JSON.stringify({ service: "classify", event: "metrics_unavailable", error: String(error) })),
        ),
        policy: trustPolicyOf(config),
        approvalPolicy: { expirySeconds: config.APPROVAL_EXPIRY },
        executor: config.EXECUTOR_URL && config.EXECUTOR_SECRET ? createHttpExecutor({ url: config.EXECUTOR_URL, secret: config.EXECUTOR_SECRET }) : undefined,
        dryRun: config.EXECUTOR_DRY_RUN,
        log: (event: string, details: Record<string, unknown>) => console.error(JSON.stringify({ service: "classify", event, ...details })),
        publishNotify: (message: NotifyRequestedV2) => publish(env.NOTIFY_QUEUE, NotifyRequestedV2, message),
        publishExecute: (message: ExecuteRequestedV1) => publish(env.EXECUTE_QUEUE, ExecuteRequestedV1, message),
        now: () => new Date(),
        newId: () => crypto.randomUUID(),
      };
      await consume(batch.messages, {
        queue: batch.queue,
        schema: ClassifyRequestedV1,
        deadLetters: env.DEAD_LETTER_QUEUE,
        handle: (message) => handleClassifyRequested(message, deps),
      });
    });
  },
} satisfies ExportedHandler<Env, unknown>;
