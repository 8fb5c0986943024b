import type { z } from "zod";
import { DatabaseEnv, parseEnv } from "../../../shared/config/env.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = AnalyzeBindings;

export const AnalyzeConfig = DatabaseEnv;
export type AnalyzeConfig = z.infer<typeof AnalyzeConfig>;

export const configOf = (env: Env): AnalyzeConfig => parseEnv("analyze", AnalyzeConfig, env);
