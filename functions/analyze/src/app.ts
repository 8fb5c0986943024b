import { createDb, databaseConnectionOf } from "../../../shared/adapters/neon-kysely-db.ts";
import { RelayCallback } from "../../../shared/contracts/analysis.ts";
import { newApp } from "../../../shared/http/app.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { readSignedJson } from "../../../shared/http/signed-body.ts";
import { acceptRelayAnswer } from "./analysis.ts";
import { CALLBACK_PATH, configOf, type Env } from "./env.ts";
import { analyzeDeps } from "./services.ts";

const MAX_CALLBACK_BYTES = 512 * 1024;

export function createApp() {
  const app = newApp<Env>("analyze");
  app.get("/health", (c) => c.json({ service: "analyze", ok: true }));

  /** The Ollama relay's answer to a job, HMAC-signed over `timestamp.body`. */
  app.post(CALLBACK_PATH, async (c) => {
    const config = configOf(c.env);
    if (!config.RELAY_HMAC_SECRET) throw new AppError("not_found", "no relay is configured");
    const callback = await readSignedJson(c, { secret: config.RELAY_HMAC_SECRET, schema: RelayCallback, maxBytes: MAX_CALLBACK_BYTES, who: "relay" });
    const db = createDb(databaseConnectionOf(config));
    try {
      const outcome = await acceptRelayAnswer(callback, analyzeDeps(c.env, db), c.get("requestId"));
      return c.json({ status: outcome });
    } finally {
      c.executionCtx.waitUntil(db.destroy());
    }
  });

  return app;
}
