import type { ExecutionRequest } from "../contracts/execution.ts";
import { signedHeaders } from "../http/signatures.ts";
import type { Executor } from "../ports/executor.ts";
import { deliver } from "./http-delivery.ts";

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
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    async handOff(request: ExecutionRequest) {
      const body = JSON.stringify(request);
      const outcome = await deliver(
        {
          url: options.url,
          headers: { "Idempotency-Key": request.execution_id, ...(await signedHeaders(options.secret, body, nowSeconds())) },
          body,
          describe: "executor",
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        },
        options.fetch ? { fetch: options.fetch } : {},
      );
      switch (outcome.kind) {
        case "sent":
          return { kind: "accepted" };
        case "permanent":
          return { kind: "refused", reason: outcome.reason };
        case "retry":
          throw new ExecutorUnavailable(outcome.reason, outcome.afterSeconds);
      }
    },
  };
}
