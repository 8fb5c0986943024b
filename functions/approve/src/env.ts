import type { z } from "zod";
import { ApproversEnv, LinkKeysEnv } from "../../../shared/config/approvers.ts";
import { DatabaseEnv, parseEnv, RedisEnv, Token } from "../../../shared/config/env.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = ApproveBindings;

export const ApproveConfig = DatabaseEnv.extend(RedisEnv.shape).extend(LinkKeysEnv.shape).extend({
  APPROVERS: ApproversEnv,
  /** Bearer token for the ops API (`/api/v1/...` reads). */
  OPS_TOKEN: Token,
});
export type ApproveConfig = z.infer<typeof ApproveConfig>;

export const configOf = (env: Env): ApproveConfig => parseEnv("approve", ApproveConfig, env);
