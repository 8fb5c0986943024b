import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type * as z from "zod/v4";
import { PlanRequest, type RemediationAction } from "../../../shared/contracts/action.ts";
import { ExecutionRequest } from "../../../shared/contracts/execution.ts";
import { actionDigest, renderAction } from "../../../shared/domain/action.ts";
import { SIGNATURE_HEADER, signedHeaders, TIMESTAMP_HEADER, verifySignedRequest } from "../../../shared/http/signatures.ts";
import type { ExecutorConfig } from "./config.ts";
import type { Journal } from "./journal.ts";
import type { Kubectl } from "./kubectl.ts";
import { planAction } from "./plan.ts";
import type { ExecutionRunner } from "./runner.ts";

const MAX_REQUEST_BYTES = 64 * 1024;
/** Signatures are accepted for 5 minutes either way; an exact replay within that window is refused. */
const SIGNATURE_WINDOW_MS = 10 * 60_000;

const error = (code: string, message: string) => ({ error: { code, message } });

/** Signed request bodies already seen, with when they may be forgotten. */
class ReplayGuard {
  readonly #seen = new Map<string, number>();

  /** True the first time a signature is offered inside its window. */
  fresh(signature: string, nowMs = Date.now()): boolean {
    for (const [key, until] of this.#seen) {
      if (until > nowMs) break;
      this.#seen.delete(key);
    }
    if (this.#seen.has(signature)) return false;
    this.#seen.set(signature, nowMs + SIGNATURE_WINDOW_MS);
    return true;
  }
}

/**
 * The executor's HTTP surface: `POST /v1/plan` and `POST /v1/executions`
 * (both signed), `GET /health`. Every action is re-rendered here from its
 * structure and must match the argv and digest it came with.
 */
export function createExecutorApp(config: ExecutorConfig, runner: ExecutionRunner, journal: Journal, kubectl: Kubectl) {
  const app = new Hono();
  const replays = new ReplayGuard();
  const tooLarge = (c: Context) => c.json(error("payload_too_large", `request larger than ${MAX_REQUEST_BYTES} bytes`), 413);

  /** Verifies signature, freshness and shape; returns the parsed body or an answer to send. */
  async function signedBody<S extends z.ZodType>(c: Context, schema: S): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
    const body = await c.req.text();
    const signature = c.req.header(SIGNATURE_HEADER);
    const authentic = await verifySignedRequest(
      config.EXECUTOR_SECRET,
      body,
      { timestamp: c.req.header(TIMESTAMP_HEADER), signature },
      Math.floor(Date.now() / 1000),
    );
    if (!authentic || !signature) return { ok: false, response: c.json(error("unauthorized", "missing, stale or invalid signature"), 401) };
    if (!replays.fresh(signature)) return { ok: false, response: c.json(error("replayed", "this exact signed request was already received"), 409) };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, response: c.json(error("invalid_json", "body is not valid JSON"), 400) };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return { ok: false, response: c.json(error("invalid_body", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")), 400) };
    }
    return { ok: true, value: parsed.data };
  }

  /** What this executor refuses to act on, whatever the signature: a foreign namespace or an argv that is not the action's. */
  async function refusal(action: RemediationAction, argv: readonly string[], digest: string): Promise<string | undefined> {
    if (!config.EXECUTOR_NAMESPACES.has(action.target.namespace)) return `namespace ${action.target.namespace} is not in EXECUTOR_NAMESPACES`;
    const rendered = renderAction(action).argv;
    if (rendered.length !== argv.length || rendered.some((arg, i) => arg !== argv[i])) return "argv is not the rendering of the action";
    if ((await actionDigest(rendered)) !== digest) return "digest is not the action's";
    return undefined;
  }

  app.post("/v1/plan", bodyLimit({ maxSize: MAX_REQUEST_BYTES, onError: tooLarge }), async (c) => {
    const parsed = await signedBody(c, PlanRequest);
    if (!parsed.ok) return parsed.response;
    const { action, argv, digest } = parsed.value;
    const refused = await refusal(action, argv, digest);
    if (refused) return c.json(error("refused", refused), 422);
    const plan = await planAction({ action, argv, digest }, kubectl, config.EXECUTOR_PLAN_TIMEOUT_SECONDS * 1000);
    const text = JSON.stringify(plan);
    // Signed back: the caller decides on these facts, so they must come from here.
    return c.body(text, 200, {
      "Content-Type": "application/json",
      ...(await signedHeaders(config.EXECUTOR_SECRET, text, Math.floor(Date.now() / 1000))),
    });
  });

  app.post("/v1/executions", bodyLimit({ maxSize: MAX_REQUEST_BYTES, onError: tooLarge }), async (c) => {
    const parsed = await signedBody(c, ExecutionRequest);
    if (!parsed.ok) return parsed.response;
    const request = parsed.value;
    const known = journal.get(request.execution_id);
    if (known) {
      // Idempotent per execution id: a repeated hand-off never runs the action again.
      if (known.request.digest !== request.digest) return c.json(error("conflict", `execution ${request.execution_id} was accepted for another action`), 409);
      return c.json({ execution_id: request.execution_id, status: known.result ? known.result.status : "accepted", repeat: true }, 200);
    }
    const refused = await refusal(request.action, request.argv, request.digest);
    if (refused) return c.json(error("refused", refused), 422);
    const outcome = runner.offer(request);
    if (outcome === "accepted") return c.json({ execution_id: request.execution_id, status: "accepted" }, 202);
    return c.json(error("unavailable", outcome === "full" ? "every slot and waiting place is taken" : "executor is shutting down"), 503, {
      "Retry-After": "30",
    });
  });

  /** Liveness: whether kubectl runs at all, and the slots. The namespaces are not shown unsigned. */
  app.get("/health", async (c) => {
    const version = await kubectl(["version", "--client", "-o", "json"], 5_000);
    const stats = runner.stats();
    const ok = version.exitCode === 0 && stats.accepting;
    return c.json({ ok, kubectl: version.exitCode === 0 ? "ok" : "not runnable", slots: stats }, ok ? 200 : 503);
  });

  app.notFound((c) => c.json(error("not_found", "no such route"), 404));
  return app;
}
