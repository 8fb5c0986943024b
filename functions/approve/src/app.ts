import { OpenAPIHono } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { postgresReady } from "../../../shared/adapters/postgres-readiness.ts";
import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { newApp } from "../../../shared/http/app.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { refuseInvalid } from "../../../shared/http/validation.ts";
import { digestRoutes } from "./digest-routes.ts";
import { mountDocsRoutes } from "./docs-routes.ts";
import { configOf, type Env } from "./env.ts";
import { mountExecutionRoutes } from "./execution-routes.ts";
import { learningRoutes } from "./learning-routes.ts";
import { mountLinkRoutes } from "./link-routes.ts";
import { mountMetricsRoute } from "./metrics-route.ts";
import { opsRoutes, requireOpsToken } from "./ops-routes.ts";
import { type ApproveEnv, type ServicesScope, withServices } from "./services.ts";
import { mountSlackRoutes } from "./slack-routes.ts";
import { smokeRoutes } from "./smoke-routes.ts";
import { statsRoutes } from "./stats-routes.ts";
import { mountStatusPage } from "./status-page.ts";
import { mountTelegramRoutes } from "./telegram-routes.ts";

/**
 * The approve function's HTTP app. The JSON API is typed sub-apps mounted
 * with `route()`, so `hc<ApproveApp>` (shared/client) knows every path, query
 * and answer; the signed and HTML routes are described for /openapi.json and
 * read their raw requests themselves.
 */
export function createApp(scope: ServicesScope = withServices) {
  const app = newApp("approve", new OpenAPIHono<ApproveEnv>({ defaultHook: refuseInvalid }));

  mountHealthRoutes(app as never, "approve", (env: Env) => [
    ...storeChecks(configOf(env), postgresReady),
    ...queuesBound(env, ["NOTIFY_QUEUE", "EXECUTE_QUEUE", "DEAD_LETTER_QUEUE"]),
  ]);

  app.use(
    "*",
    createMiddleware<ApproveEnv>((c, next) =>
      scope(c.env, async (services) => {
        c.set("services", services);
        await next();
      }),
    ),
  );
  app.use("/api/v1/*", requireOpsToken());

  mountLinkRoutes(app);
  mountTelegramRoutes(app);
  mountSlackRoutes(app);
  mountExecutionRoutes(app);
  const api = app.route("/", opsRoutes()).route("/", learningRoutes()).route("/", statsRoutes()).route("/", smokeRoutes()).route("/", digestRoutes());
  mountMetricsRoute(app);
  mountStatusPage(app);
  mountDocsRoutes(app);
  return api;
}

/** The approve app's type: what Hono's typed client (`hc`) reads its routes from. */
export type ApproveApp = ReturnType<typeof createApp>;
