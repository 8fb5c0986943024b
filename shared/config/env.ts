import * as z from "zod/v4";
import { Priority } from "../contracts/alert.ts";

/** Redis over Upstash REST. Both are secrets in production (`wrangler secret put`). */
export const RedisEnv = z.object({
  UPSTASH_REDIS_REST_URL: z.url({ message: "must be the Upstash REST URL, e.g. https://<db>.upstash.io" }),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1, "must be the Upstash REST token"),
});

/** Postgres through the Neon driver. NEON_WS_PROXY and DB_POOL_MAX are for local dev and tests only. */
export const DatabaseEnv = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string"),
  NEON_WS_PROXY: z.string().optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(20).optional(),
});

/** Seconds an open fingerprint keeps aggregating repeats after its last sighting. Default 86400 (24 h). */
export const DedupWindowSeconds = z.coerce
  .number()
  .int()
  .min(60)
  .max(30 * 86_400)
  .default(86_400);

/** A secret token compared against bearer credentials. */
export const Token = z.string().min(8, "must be at least 8 characters");

export class ConfigError extends Error {
  constructor(service: string, error: z.ZodError) {
    const problems = error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`).join("; ");
    super(`${service}: invalid configuration — ${problems}`);
    this.name = "ConfigError";
  }
}

const cache = new WeakMap<object, unknown>();

/**
 * Parses a function's environment once per env object (bindings are fixed for
 * an isolate's lifetime). Throws a ConfigError naming every missing or bad variable.
 */
export function parseEnv<S extends z.ZodType>(service: string, schema: S, env: object): z.infer<S> {
  const cached = cache.get(env);
  if (cached !== undefined) return cached as z.infer<S>;
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(service, result.error);
  cache.set(env, result.data);
  return result.data;
}

/** `true`/`1`/`on`/`yes` → true; anything else false. For feature switches set as vars. */
export const Flag = z
  .string()
  .optional()
  .transform((value) => value !== undefined && /^(1|true|on|yes)$/i.test(value.trim()));

/**
 * Builds something from a function's env once per isolate (bindings and
 * variables are fixed for an isolate's lifetime), so the hot path does not
 * rebuild clients and Lua script digests on every request. Only for stateless
 * clients (Upstash REST over fetch) — never for a Neon pool, which must not
 * outlive its request.
 */
export function perEnv<E extends object, T>(build: (env: E) => T): (env: E) => T {
  const built = new WeakMap<E, T>();
  return (env) => {
    let value = built.get(env);
    if (value === undefined) {
      value = build(env);
      built.set(env, value);
    }
    return value;
  };
}

/**
 * The executor (infra/executor or anything speaking its contract), shared by
 * classify (plans) and approve (hand-offs and results).
 */
export const ExecutorEnv = z.object({
  /** The executor's base URL (`/v1/plan`, `/v1/executions` below it). Unset: approved actions are run by hand. */
  EXECUTOR_URL: z.url().optional(),
  /** HMAC key shared with the executor, both directions. Required with EXECUTOR_URL. */
  EXECUTOR_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Actions are sent as dry runs unless this is exactly `false`. */
  EXECUTOR_DRY_RUN: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() !== "false"),
});

/** The cross-field rule of ExecutorEnv, for a schema's superRefine. */
export function requireExecutorSecret(config: { EXECUTOR_URL?: string | undefined; EXECUTOR_SECRET?: string | undefined }, ctx: z.RefinementCtx): void {
  if (config.EXECUTOR_URL && !config.EXECUTOR_SECRET) {
    ctx.addIssue({ code: "custom", path: ["EXECUTOR_SECRET"], message: "is required when EXECUTOR_URL is set" });
  }
}

/**
 * `TELEGRAM_WEBHOOK_SECRET`: the `secret_token` given to setWebhook, which
 * Telegram echoes in `X-Telegram-Bot-Api-Secret-Token` (PROTOCOLS §15). Set on
 * approve (it checks it) and on notify (shared chats then get buttons).
 */
export const TelegramWebhookSecret = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A–Z a–z 0–9 _ -")
  .optional();

/** A comma-separated list of `item` values (spaces and empty items ignored), parsed into a set; `message` when an item is not one. */
export function setOf<T extends string>(item: z.ZodType<T>, fallback: string, message: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const parsed = z.array(item).safeParse(
        text
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean),
      );
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return new Set(parsed.data);
    });
}

/** Priorities kept out of the live chats (tickets, the API and the daily digest still show them). Default P3; empty for none. */
export const QuietPriorities = setOf(Priority, "P3", "must list priorities such as P3 (or be empty)");

/** When the daily digest goes out: UTC `HH:MM` (default 08:00), or `off` for on demand only. */
export const DigestAt = z
  .string()
  .default("08:00")
  .transform((text, ctx) => {
    if (text.trim().toLowerCase() === "off") return undefined;
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
    if (!match) {
      ctx.addIssue({ code: "custom", message: "must be a UTC time HH:MM, such as 08:00, or off" });
      return z.NEVER;
    }
    return { hour: Number(match[1]), minute: Number(match[2]) };
  });
