import type { MiddlewareHandler } from "hono";
import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { newApp } from "../../../shared/http/app.ts";
import { boundedBody } from "../../../shared/http/body-limit.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { validateJson } from "../../../shared/http/validation.ts";
import { authenticateSource } from "./auth.ts";
import { configOf, type Env, SOURCES } from "./env.ts";
import { HandOffFailed, type IngestDeps, ingest } from "./ingest.ts";
import { type IngestAnswer, webhookPath } from "./routes.ts";
import { servicesFor } from "./services.ts";
import { SOURCE_ROUTES, type SourceRoute } from "./sources.ts";

/**
 * Times every webhook request and counts the ones refused before admission
 * (auth, validation, size): both are recorded with the next admission.
 */
function measure(source: string, deps: (env: Env) => IngestDeps): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const { metrics } = deps(c.env);
      metrics.observe("awoooi_webhook_latency_seconds", (performance.now() - started) / 1000, { webhook_type: source });
      if (c.res.status >= 400 && c.res.status !== 429 && c.res.status !== 503) {
        metrics.increment("awoooi_alerts_received_total", { source, status: "rejected" });
      }
    }
  };
}

function limitBody(route: SourceRoute): MiddlewareHandler {
  return boundedBody(route.maxBytes, `${route.source} body`);
}

const requireJson: MiddlewareHandler = async (c, next) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
    throw new AppError("unsupported_media_type", `Content-Type must be application/json (got "${type || "none"}")`);
  }
  await next();
};

export function createApp(deps: (env: Env) => IngestDeps = servicesFor) {
  const app = newApp<Env>("webhook-receive");

  mountHealthRoutes(app, "webhook-receive", (env) => [...storeChecks(configOf(env)), ...queuesBound(env, ["ANALYZE_QUEUE", "DEAD_LETTER_QUEUE"])]);

  for (const source of SOURCES) {
    const route = SOURCE_ROUTES[source];
    app.post(webhookPath(source), measure(source, deps), limitBody(route), requireJson, authenticateSource(source), validateJson(route.schema), async (c) => {
      const config = configOf(c.env);
      const { alerts, truncated } = route.toAlerts(c.req.valid("json"), { now: new Date(), header: (name) => c.req.header(name) });
      const policy = {
        source,
        rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
        overLimit: route.overLimit,
        stormThreshold: config.STORM_THRESHOLD,
        queueFailure: route.queueFailure,
      };
      let outcome: Awaited<ReturnType<typeof ingest>>;
      try {
        outcome = await ingest(alerts, deps(c.env), policy, c.get("requestId"));
      } catch (error) {
        // 503 makes Alertmanager, SigNoz and our own clients retry; nothing of this request was kept.
        throw new AppError("unavailable", error instanceof HandOffFailed ? error.message : "alert intake unavailable", { cause: error });
      }
      if (outcome.kind === "refused") {
        throw new AppError(
          "rate_limited",
          `more than ${config.RATE_LIMIT_PER_MINUTE} new incidents per minute from ${source}; retry after ${outcome.retryAfterSeconds}s`,
          {
            headers: { "Retry-After": String(outcome.retryAfterSeconds) },
          },
        );
      }
      const answer: IngestAnswer = {
        results: [...outcome.results],
        ...(outcome.degraded ? { degraded: true } : {}),
        ...(truncated ? { truncated_alerts: truncated } : {}),
      };
      return c.json(answer, 202);
    });
  }

  return app;
}
