import type * as z from "zod/v4";
import { postgresReady } from "../../../shared/adapters/postgres-readiness.ts";
import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { RelayCallback } from "../../../shared/contracts/analysis.ts";
import type { RelayCallbackAnswer } from "../../../shared/contracts/ops-api.ts";
import { newApp } from "../../../shared/http/app.ts";
import { BODY_LIMITS, boundedBody } from "../../../shared/http/body-limit.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { readSignedJson } from "../../../shared/http/signed-body.ts";
import { acceptRelayAnswer } from "./analysis.ts";
import { configOf, type Env } from "./env.ts";
import { RELAY_CALLBACK_ROUTE } from "./routes.ts";
import { withServices } from "./services.ts";

export function createApp() {
  const app = newApp<Env>("analyze");
  // Redis is optional here (without it analyze dedupes in Postgres): storeChecks skips what is not configured.
  mountHealthRoutes(app, "analyze", (env) => [
    ...storeChecks(configOf(env), postgresReady),
    ...queuesBound(env, ["CLASSIFY_QUEUE", "NOTIFY_QUEUE", "DEAD_LETTER_QUEUE"]),
  ]);

  /** The Ollama relay's answer to a job, HMAC-signed over `timestamp.body`. */
  app.post(RELAY_CALLBACK_ROUTE.path, boundedBody(BODY_LIMITS.relayCallback, "relay callback"), async (c) => {
    const config = configOf(c.env);
    if (!config.RELAY_HMAC_SECRET) throw new AppError("not_found", "no relay is configured");
    const callback = await readSignedJson(c, { secret: config.RELAY_HMAC_SECRET, schema: RelayCallback, who: "relay" });
    const outcome = await withServices(c.env, (services) => acceptRelayAnswer(callback, services, c.get("requestId")));
    return c.json({ status: outcome } satisfies z.infer<typeof RelayCallbackAnswer>);
  });

  return app;
}
