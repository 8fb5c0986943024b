import { z } from "zod";
import { parseEnv, RedisEnv, Token } from "../../../shared/config/env.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = WebhookReceiveBindings;

export const WebhookReceiveConfig = RedisEnv.extend({
  /** Bearer token alert sources send (`Authorization: Bearer <token>`). */
  WEBHOOK_TOKEN: Token,
  /** Seconds an open fingerprint keeps aggregating repeats after its last sighting. Default 86400. */
  DEDUP_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
});
export type WebhookReceiveConfig = z.infer<typeof WebhookReceiveConfig>;

export const configOf = (env: Env): WebhookReceiveConfig => parseEnv("webhook-receive", WebhookReceiveConfig, env);
