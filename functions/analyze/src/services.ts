import type { Kysely } from "kysely";
import { createAnthropicProvider } from "../../../shared/adapters/anthropic-rca-provider.ts";
import { createGeminiProvider } from "../../../shared/adapters/gemini-rca-provider.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { type Database, databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { createRelayClient } from "../../../shared/adapters/ollama-relay-client.ts";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { createUpstashLearningStats } from "../../../shared/adapters/upstash-learning-stats.ts";
import { createUpstashMetrics } from "../../../shared/adapters/upstash-metrics.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { AnalyzeQueueMessage, ClassifyRequestedV1, IncidentAdmittedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { rulesProvider } from "../../../shared/domain/rules-provider.ts";
import { createLog } from "../../../shared/logging.ts";
import { flushingMetrics, noMetrics } from "../../../shared/ports/metrics.ts";
import { publish } from "../../../shared/queue/publish.ts";
import type { AnalysisDeps } from "./analysis.ts";
import { callbackUrlOf, configOf, type Env } from "./env.ts";
import type { AnalyzeDeps } from "./handle.ts";

let announced = false;

/**
 * The one database lifetime: `work` runs with analyze's services over a
 * database handle that lives exactly as long as it (Workers: a WebSocket pool
 * must not outlive its request or batch).
 */
export function withServices<T>(env: Env, work: (services: AnalyzeDeps) => Promise<T>): Promise<T> {
  return withDb(databaseConnectionOf(configOf(env)), (db) => flushingMetrics(servicesOn(env, db), work));
}

/** The composition root of analyze over a database handle someone else owns and closes. */
export function servicesOn(env: Env, db: Kysely<Database>): AnalyzeDeps {
  const config = configOf(env);
  const log = createLog("analyze");
  const callbackUrl = callbackUrlOf(config);
  const relay =
    config.OLLAMA_RELAY_URL && config.RELAY_HMAC_SECRET && callbackUrl
      ? {
          client: createRelayClient({ url: config.OLLAMA_RELAY_URL, hmacSecret: config.RELAY_HMAC_SECRET }),
          model: config.OLLAMA_MODEL,
          timeoutSeconds: config.OLLAMA_TIMEOUT_SECONDS,
          callbackUrl,
          contextBudgetMs: config.CLUSTER_CONTEXT_BUDGET_MS,
        }
      : undefined;
  const anthropic = config.ANTHROPIC_API_KEY
    ? createAnthropicProvider({
        apiKey: config.ANTHROPIC_API_KEY,
        baseURL: config.ANTHROPIC_BASE_URL,
        model: config.ANTHROPIC_MODEL,
        timeoutMs: config.ANTHROPIC_TIMEOUT_SECONDS * 1000,
      })
    : undefined;
  const gemini = config.GEMINI_API_KEY
    ? createGeminiProvider({
        apiKey: config.GEMINI_API_KEY,
        baseUrl: config.GEMINI_BASE_URL,
        model: config.GEMINI_MODEL,
        timeoutMs: config.GEMINI_TIMEOUT_SECONDS * 1000,
      })
    : undefined;
  const providers = { rules: rulesProvider, ...(gemini ? { gemini } : {}), ...(anthropic ? { anthropic } : {}) };
  if (!announced) {
    announced = true;
    const active = config.AI_FALLBACK_ORDER.filter((name) => (name === "ollama" ? relay : providers[name]));
    log("providers", { order: config.AI_FALLBACK_ORDER, active, note: active.length === 1 ? "no LLM configured: verdicts come from rules only" : undefined });
  }
  const redis =
    config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
      ? createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN })
      : undefined;
  const analysis: AnalysisDeps = {
    incidents: createIncidentStore(db),
    order: config.AI_FALLBACK_ORDER,
    providers,
    relay,
    alertIndex: redis ? createUpstashAlertIndex(redis) : undefined,
    learning: redis ? createUpstashLearningStats(redis) : undefined,
    metrics: redis ? createUpstashMetrics(redis, (error) => log("metrics_failed", { error: String(error) })) : noMetrics,
    publishClassify: (message) => publish(env.CLASSIFY_QUEUE, ClassifyRequestedV1, message),
    publishContinue: (message, delaySeconds) => publish(env.ANALYZE_QUEUE, AnalyzeQueueMessage, message, { delaySeconds }),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    log,
  };
  return {
    ...analysis,
    approvals: createApprovalStore(db),
    smoke: redis ? createUpstashSmokeLedger(redis) : undefined,
    publishNotify: (message) => publish(env.NOTIFY_QUEUE, NotifyRequestedV2, message),
    announce: (message) => publish(env.NOTIFY_QUEUE, IncidentAdmittedV1, message),
    dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
  };
}
