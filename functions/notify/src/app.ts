import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { newApp } from "../../../shared/http/app.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { configOf, type Env } from "./env.ts";
import { DEV_INBOX_ROUTE, type InboxAnswer } from "./routes.ts";
import { servicesFor } from "./services.ts";

export function createApp() {
  const app = newApp<Env>("notify");
  mountHealthRoutes(app, "notify", (env) => [...storeChecks(configOf(env)), ...queuesBound(env, ["DEAD_LETTER_QUEUE"])]);

  app.get(DEV_INBOX_ROUTE.path, async (c) => {
    const { inbox } = servicesFor(c.env);
    if (!inbox) return c.notFound();
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 50) || 50, 1), 500);
    const answer: InboxAnswer = { messages: (await inbox.list(limit)).map((m) => ({ ...m, links: [...m.links] })) };
    return c.json(answer);
  });
  return app;
}
