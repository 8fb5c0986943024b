import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Ollama } from "ollama/browser";
import type * as z from "zod/v4";
import { RelayJob } from "../../../shared/contracts/analysis.ts";
import { ContextRequest } from "../../../shared/contracts/context.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignedRequest } from "../../../shared/http/signatures.ts";
import type { RelayConfig } from "./config.ts";
import { type ContextSources, gatherContext } from "./context/gather.ts";
import type { JobRunner } from "./jobs.ts";

const MAX_JOB_BYTES = 512 * 1024;
const MAX_CONTEXT_REQUEST_BYTES = 16 * 1024;

const error = (code: string, message: string) => ({ error: { code, message } });

type Read<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * The relay's HTTP surface: `POST /v1/jobs` and `POST /v1/context` (both
 * signed by analyze) and `GET /health`.
 */
export function createRelayApp(config: RelayConfig, runner: JobRunner, context: ContextSources, fetchImpl: typeof fetch = fetch) {
  const app = new Hono();

  /** A signed JSON body parsed with `schema`, or the refusal to answer. */
  async function readSigned<T extends z.ZodType>(c: Context, schema: T): Promise<Read<z.infer<T>>> {
    const body = await c.req.text();
    const authentic = await verifySignedRequest(
      config.RELAY_HMAC_SECRET,
      body,
      { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
      Math.floor(Date.now() / 1000),
    );
    if (!authentic) return { ok: false, response: c.json(error("unauthorized", "missing or invalid signature"), 401) };
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

  const tooLarge = (limit: number) => (c: Context) => c.json(error("payload_too_large", `body larger than ${limit} bytes`), 413);
  // Refused before the body is read whole: from Content-Length, or while it streams in.
  app.post("/v1/jobs", bodyLimit({ maxSize: MAX_JOB_BYTES, onError: tooLarge(MAX_JOB_BYTES) }), async (c) => {
    const job = await readSigned(c, RelayJob);
    if (!job.ok) return job.response;
    const outcome = runner.offer(job.value);
    if (outcome === "accepted") return c.json({ job_id: job.value.job_id, status: "accepted" }, 202);
    if (outcome === "duplicate") return c.json(error("conflict", `job ${job.value.job_id} was already accepted; it runs once`), 409);
    // analyze falls back to its next provider instead of waiting.
    return c.json(error("unavailable", outcome === "full" ? "all GPU slots and waiting places are taken" : "relay is shutting down"), 503, {
      "Retry-After": "30",
    });
  });

  /**
   * What the cluster and Prometheus say about an alert, gathered within the
   * time budget: always 200 with what could be read, the rest named in `missing`.
   */
  app.post("/v1/context", bodyLimit({ maxSize: MAX_CONTEXT_REQUEST_BYTES, onError: tooLarge(MAX_CONTEXT_REQUEST_BYTES) }), async (c) => {
    const request = await readSigned(c, ContextRequest);
    if (!request.ok) return request.response;
    return c.json(await gatherContext(request.value, context), 200);
  });

  /**
   * Liveness and readiness. Unsigned callers learn only `ok` and the slots; the
   * Ollama URL and model list are shown only to a caller signed with the
   * relay's HMAC (an empty body, like a job's signature), e.g. analyze or ops.
   */
  app.get("/health", async (c) => {
    const ollama = new Ollama({ host: config.OLLAMA_URL, fetch: (input, init) => fetchImpl(input, { ...init, signal: AbortSignal.timeout(3_000) }) });
    let models: string[] = [];
    let reachable = false;
    try {
      models = (await ollama.list()).models.map((m) => m.name);
      reachable = true;
    } catch {
      // reported below
    }
    const modelPresent = models.some((name) => name === config.OLLAMA_MODEL || name.split(":")[0] === config.OLLAMA_MODEL);
    const stats = runner.stats();
    const ok = reachable && modelPresent && stats.accepting;
    const signed = await verifySignedRequest(
      config.RELAY_HMAC_SECRET,
      "",
      { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
      Math.floor(Date.now() / 1000),
    );
    const detail = signed
      ? { ollama: { url: config.OLLAMA_URL, reachable, models, default_model: config.OLLAMA_MODEL, default_model_present: modelPresent } }
      : {};
    return c.json({ ok, ...detail, slots: stats }, ok ? 200 : 503);
  });

  app.notFound((c) => c.json(error("not_found", "no such route"), 404));
  return app;
}
