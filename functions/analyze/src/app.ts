import { createDb, databaseConnectionOf } from "../../../shared/adapters/neon-kysely-db.ts";
import { RelayCallback } from "../../../shared/contracts/analysis.ts";
import { newApp } from "../../../shared/http/app.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignedRequest } from "../../../shared/http/signatures.ts";
import { invalidBody } from "../../../shared/http/validation.ts";
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
    const body = await c.req.text();
    if (body.length > MAX_CALLBACK_BYTES) throw new AppError("payload_too_large", `body larger than ${MAX_CALLBACK_BYTES} bytes`);
    const authentic = await verifySignedRequest(
      config.RELAY_HMAC_SECRET,
      body,
      { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
      Math.floor(Date.now() / 1000),
    );
    if (!authentic) throw new AppError("unauthorized", "missing or invalid relay signature");
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new AppError("invalid_json", "body is not valid JSON");
    }
    const callback = RelayCallback.safeParse(json);
    if (!callback.success) throw invalidBody(callback.error);
    const db = createDb(databaseConnectionOf(config));
    try {
      const outcome = await acceptRelayAnswer(callback.data, analyzeDeps(c.env, db), c.get("requestId"));
      return c.json({ status: outcome });
    } finally {
      c.executionCtx.waitUntil(db.destroy());
    }
  });

  return app;
}
