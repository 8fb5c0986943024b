import type { Hono } from "hono";
import * as z from "zod/v4";
import { ConfigError } from "../config/env.ts";
import { buildInfo } from "../version.ts";
import type { AppEnv } from "./app.ts";
import { describeRoute, jsonAnswer } from "./route-docs.ts";

const Build = { service: z.string(), version: z.string(), commit: z.string().describe("GIT_COMMIT at deploy, dev otherwise") };
export type HealthAnswer = z.infer<typeof HealthAnswer>;
export const HealthAnswer = z.strictObject({ ...Build, ok: z.literal(true) });
export const ReadyAnswer = z.strictObject({
  ...Build,
  ok: z.boolean(),
  failed: z.string().optional().describe("the first check that failed"),
  checks: z.record(z.string(), z.string()).describe("each check: ok, or why it failed"),
  error: z.strictObject({ code: z.enum(["misconfigured", "unavailable"]), message: z.string() }).optional(),
});

/** Every function answers these two. */
export const HEALTH_ROUTES = [
  describeRoute({
    method: "get",
    path: "/health",
    summary: "Liveness of a function (the dev gateway: of all five)",
    tags: ["operations"],
    responses: { 200: jsonAnswer("the isolate answers", HealthAnswer) },
  }),
  describeRoute({
    method: "get",
    path: "/ready",
    summary: "Readiness: the configuration parses and every dependency answers",
    tags: ["operations"],
    responses: { 200: jsonAnswer("ready", ReadyAnswer), 503: jsonAnswer("not ready: `failed` names the first failure", ReadyAnswer) },
  }),
];

/** One dependency a function needs to do its work: its name and a probe that throws when it is unusable. */
export interface ReadinessCheck {
  readonly name: string;
  readonly probe: () => Promise<unknown>;
}

/** How long one probe may take before the dependency counts as down. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * `GET /health`: liveness only (the isolate answers). `GET /ready`: the
 * configuration parses and every dependency answers — 200, or 503 naming the
 * first that failed (`failed`) with every check's outcome. `checks` reads the
 * configuration, so a configuration error is itself the named failure.
 */
export function mountHealthRoutes<Bindings extends object>(
  app: Hono<AppEnv<Bindings>>,
  service: string,
  checks: (env: Bindings) => readonly ReadinessCheck[],
): void {
  app.get("/health", (c) => c.json({ service, ok: true, ...buildInfo(c.env) } satisfies HealthAnswer));
  app.get("/ready", async (c) => {
    const info = { service, ...buildInfo(c.env) };
    let list: readonly ReadinessCheck[];
    try {
      list = checks(c.env);
    } catch (error) {
      const message = error instanceof ConfigError ? error.message : `${service}: ${String(error)}`;
      return c.json({ ...info, ok: false, failed: "configuration", error: { code: "misconfigured", message }, checks: { configuration: message } }, 503);
    }
    const outcomes = await Promise.all(
      list.map(async ({ name, probe }) => {
        try {
          await withTimeout(probe(), PROBE_TIMEOUT_MS);
          return [name, "ok"] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const failed = outcomes.find(([, outcome]) => outcome !== "ok");
    const body = { ...info, ok: !failed, ...(failed ? { failed: failed[0] } : {}), checks: { configuration: "ok", ...Object.fromEntries(outcomes) } };
    if (failed) return c.json({ ...body, error: { code: "unavailable", message: `${service}: ${failed[0]} is not usable: ${failed[1]}` } }, 503);
    return c.json(body, 200);
  });
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A queue producer binding is usable when it is bound (Queues offer no side-effect-free probe). */
export function queueBound(name: string, binding: unknown): ReadinessCheck {
  return {
    name: `queue ${name}`,
    probe: async () => {
      if (typeof (binding as { send?: unknown } | undefined)?.send !== "function") throw new Error(`the ${name} producer binding is missing`);
    },
  };
}

/** `queueBound` for each named producer binding of `env`. */
export function queuesBound(env: object, names: readonly string[]): ReadinessCheck[] {
  return names.map((name) => queueBound(name, (env as Record<string, unknown>)[name]));
}
