import { z } from "zod";
import { ApproversEnv, LinkKeysEnv } from "../../../shared/config/approvers.ts";
import { Flag, parseEnv, RedisEnv } from "../../../shared/config/env.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = NotifyBindings;

export const NotifyConfig = RedisEnv.extend(LinkKeysEnv.shape).extend({
  APPROVERS: ApproversEnv,
  /** Origin approvers' links point at (the approve function's public URL). */
  PUBLIC_BASE_URL: z.url(),
  /** `on` in local dev: keep messages for GET /dev/inbox and print them. Never set in production. */
  DEV_INBOX: Flag,
});
export type NotifyConfig = z.infer<typeof NotifyConfig>;

export const configOf = (env: Env): NotifyConfig => parseEnv("notify", NotifyConfig, env);
