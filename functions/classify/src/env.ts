import type { z } from "zod";
import { DatabaseEnv, parseEnv } from "../../../shared/config/env.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = ClassifyBindings;

export const ClassifyConfig = DatabaseEnv;
export type ClassifyConfig = z.infer<typeof ClassifyConfig>;

export const configOf = (env: Env): ClassifyConfig => parseEnv("classify", ClassifyConfig, env);
