import { z } from "zod";
import { DatabaseEnv, parseEnv } from "../../../shared/config/env.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = AnalyzeBindings;

export const AnalyzeConfig = DatabaseEnv.extend({
  /** Same window as webhook-receive: how long an open incident absorbs repeats. Default 86400. */
  DEDUP_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
});
export type AnalyzeConfig = z.infer<typeof AnalyzeConfig>;

export const configOf = (env: Env): AnalyzeConfig => parseEnv("analyze", AnalyzeConfig, env);
