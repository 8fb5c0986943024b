import type { ExecutionRequest } from "../contracts/execution.ts";
import { signedHeaders } from "../http/signatures.ts";
import type { Executor } from "../ports/executor.ts";

export class ExecutorUnavailable extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = "ExecutorUnavailable";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * POSTs the action as JSON signed with HMAC-SHA-256 over `timestamp.body`
 * (`X-Awoooi-Timestamp`, `X-Awoooi-Signature`), the same scheme the executor
 * uses to report back.
 */
export function createHttpExecutor(options: { url: string; secret: string; fetch?: typeof fetch; nowSeconds?: () => number; timeoutMs?: number }): Executor {
  const send = options.fetch ?? fetch;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    async handOff(request: ExecutionRequest) {
      const body = JSON.stringify(request);
      let response: Response;
      try {
        response = await send(options.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Idempotency-Key": request.execution_id,
            ...(await signedHeaders(options.secret, body, nowSeconds())),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new ExecutorUnavailable(`executor unreachable: ${error instanceof Error ? error.message : String(error)}`);
      }
      const text = (await response.text().catch(() => "")).slice(0, 300);
      if (response.ok) return { kind: "accepted" };
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        const retryAfter = Number(response.headers.get("Retry-After"));
        throw new ExecutorUnavailable(`executor answered ${response.status}: ${text}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
      }
      return { kind: "refused", reason: `executor answered ${response.status}: ${text}` };
    },
  };
}
