import type { RelayJob } from "../contracts/analysis.ts";
import { ClusterContext, type ContextRequest } from "../contracts/context.ts";
import { signedHeaders } from "../http/signatures.ts";
import type { RelayClient } from "../ports/rca-provider.ts";

export interface RelayClientOptions {
  /** Base URL of the relay on the GPU host. */
  readonly url: string;
  readonly hmacSecret: string;
  /** How long to wait for the relay to accept a job, in ms. Default 5000. */
  readonly submitTimeoutMs?: number;
  /** Time beyond a context request's own budget before analyze stops waiting, in ms. Default 1000. */
  readonly contextGraceMs?: number;
  readonly fetch?: typeof fetch;
}

/** Default time the relay may spend gathering an alert's context (issue #17: 2 s). */
export const DEFAULT_CONTEXT_BUDGET_MS = 2_000;

/**
 * The relay's two signed endpoints: `POST /v1/jobs` (answered 202 at once, the
 * verdict comes by callback) and `POST /v1/context` (answered within its budget).
 */
export function createRelayClient(options: RelayClientOptions): RelayClient {
  const doFetch = options.fetch ?? fetch;
  const post = async (path: string, body: string, timeoutMs: number, headers: Record<string, string> = {}) =>
    doFetch(new URL(path, options.url), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers, ...(await signedHeaders(options.hmacSecret, body, Math.floor(Date.now() / 1000))) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  const timedOut = (error: unknown) => error instanceof Error && error.name === "TimeoutError";
  return {
    async submit(job: RelayJob) {
      try {
        const response = await post("/v1/jobs", JSON.stringify(job), options.submitTimeoutMs ?? 5_000);
        // 409: the relay already has this job (a redelivered submission); its one callback will come.
        if (response.status === 202 || response.status === 409) return { accepted: true };
        return { accepted: false, reason: response.status === 503 ? "relay busy" : `relay answered ${response.status}` };
      } catch (error) {
        return { accepted: false, reason: timedOut(error) ? "relay did not accept in time" : "relay unreachable" };
      }
    },

    async context(request: ContextRequest, correlationId: string) {
      const budget = request.budget_ms ?? DEFAULT_CONTEXT_BUDGET_MS;
      try {
        const response = await post("/v1/context", JSON.stringify(request), budget + (options.contextGraceMs ?? 1_000), {
          "X-Correlation-Id": correlationId,
        });
        // An older relay without the endpoint, or a refusal: analysis goes on without context.
        if (!response.ok) return { ok: false, reason: `relay answered ${response.status}` };
        const parsed = ClusterContext.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) return { ok: false, reason: "relay answered a context that is not valid" };
        return { ok: true, context: parsed.data };
      } catch (error) {
        return { ok: false, reason: timedOut(error) ? `relay gave no context within ${budget} ms` : "relay unreachable" };
      }
    },
  };
}
