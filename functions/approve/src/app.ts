import { createMiddleware } from "hono/factory";
import { postgresReady } from "../../../shared/adapters/postgres-readiness.ts";
import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { newApp } from "../../../shared/http/app.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { mountDocsRoutes } from "./docs-routes.ts";
import { configOf, type Env } from "./env.ts";
import { mountExecutionRoutes } from "./execution-routes.ts";
import { mountLearningRoutes } from "./learning-routes.ts";
import { mountLinkRoutes } from "./link-routes.ts";
import { mountMetricsRoute } from "./metrics-route.ts";
import { mountOpsRoutes } from "./ops-routes.ts";
import { type ApproveEnv, type ApproveServices, servicesFor } from "./services.ts";
import { mountSlackRoutes } from "./slack-routes.ts";
import { mountSmokeRoutes } from "./smoke-routes.ts";
import { mountStatsRoutes } from "./stats-routes.ts";
import { mountStatusPage } from "./status-page.ts";
import { mountTelegramRoutes } from "./telegram-routes.ts";

export function createApp(build: (env: Env) => ApproveServices = servicesFor) {
  const app = newApp<Env>("approve") as unknown as import("hono").Hono<ApproveEnv>;

  mountHealthRoutes(app as never, "approve", (env: Env) => [
    ...storeChecks(configOf(env), postgresReady),
    ...queuesBound(env, ["NOTIFY_QUEUE", "EXECUTE_QUEUE", "DEAD_LETTER_QUEUE"]),
  ]);

  app.use(
    "*",
    createMiddleware<ApproveEnv>(async (c, next) => {
      const services = build(c.env);
      c.set("services", services);
      try {
        await next();
      } finally {
        await services.close();
      }
    }),
  );

  mountLinkRoutes(app);
  mountTelegramRoutes(app);
  mountSlackRoutes(app);
  mountOpsRoutes(app);
  mountExecutionRoutes(app);
  mountLearningRoutes(app);
  mountMetricsRoute(app);
  mountStatsRoutes(app);
  mountSmokeRoutes(app);
  mountDocsRoutes(app);
  mountStatusPage(app);
  return app;
}
