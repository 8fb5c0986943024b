import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { AnalyzeRequestedV1 } from "../../../shared/contracts/queue.ts";
import { AlertmanagerWebhook } from "../../../shared/contracts/sources/alertmanager.ts";
import { normalizeAlertmanagerAlert } from "../../../shared/domain/normalize/alertmanager.ts";
import { newApp } from "../../../shared/http/app.ts";
import { requireBearer } from "../../../shared/http/auth.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { jsonBody } from "../../../shared/http/validation.ts";
import { publishAll } from "../../../shared/queue/publish.ts";
import { configOf, type Env } from "./env.ts";
import { HandOffFailed, type IngestDeps, ingest } from "./ingest.ts";

/** Alertmanager batches can be large (PROTOCOLS.md §1: no max by default). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

function depsFor(env: Env): IngestDeps {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  return {
    index: createUpstashAlertIndex(redis, { dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS }),
    enqueue: (messages) => publishAll(env.ANALYZE_QUEUE, AnalyzeRequestedV1, messages),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  };
}

export function createApp(deps: (env: Env) => IngestDeps = depsFor) {
  const app = newApp<Env>("webhook-receive");

  const authenticate = requireBearer((c) => configOf(c.env as Env).WEBHOOK_TOKEN, "webhook-receive");

  app.get("/health", (c) => c.json({ service: "webhook-receive", ok: true }));

  app.post("/api/v1/webhooks/alertmanager", authenticate, ...jsonBody(AlertmanagerWebhook, { maxBytes: MAX_BODY_BYTES }), async (c) => {
    const body = c.req.valid("json");
    const alerts = body.alerts.map((alert) => normalizeAlertmanagerAlert(alert, body));
    try {
      const results = await ingest(alerts, deps(c.env), c.get("requestId"));
      return c.json({ results }, 202);
    } catch (error) {
      // 503 makes Alertmanager retry (it drops 4xx); nothing of this request was kept.
      if (error instanceof HandOffFailed) throw new AppError("unavailable", error.message, { cause: error.cause });
      throw new AppError("unavailable", "alert index unavailable", { cause: error });
    }
  });

  return app;
}
