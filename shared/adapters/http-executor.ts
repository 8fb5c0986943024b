import { ActionPlan, type PlanRequest } from "../contracts/action.ts";
import type { ExecutionRequest } from "../contracts/execution.ts";
import { SIGNATURE_HEADER, signedHeaders, TIMESTAMP_HEADER, verifySignedRequest } from "../http/signatures.ts";
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

/** Where the reference executor (infra/executor) serves each call, below `EXECUTOR_URL`. */
export const EXECUTOR_PATHS = { executions: "/v1/executions", plan: "/v1/plan" } as const;

/**
 * Talks to the executor at `url` (its base URL). Every request is JSON signed
 * with HMAC-SHA-256 over `timestamp.body` (`X-Awoooi-Timestamp`,
 * `X-Awoooi-Signature`); the plan answer is signed the same way, so a plan
 * cannot be forged on the way back.
 */
export function createHttpExecutor(options: {
  url: string;
  secret: string;
  fetch?: typeof fetch;
  nowSeconds?: () => number;
  timeoutMs?: number;
  planTimeoutMs?: number;
}): Executor {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const fetchImpl = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, "");
  return {
    async handOff(request: ExecutionRequest) {
      const body = JSON.stringify(request);
      const outcome = await deliver(
        {
          url: `${base}${EXECUTOR_PATHS.executions}`,
          headers: {
            "Idempotency-Key": request.execution_id,
            ...(request.correlation_id ? { "X-Correlation-Id": request.correlation_id } : {}),
            ...(await signedHeaders(options.secret, body, nowSeconds())),
          },
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

    async plan(request: PlanRequest) {
      const body = JSON.stringify(request);
      try {
        const response = await fetchImpl(`${base}${EXECUTOR_PATHS.plan}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...(await signedHeaders(options.secret, body, nowSeconds())) },
          body,
          signal: AbortSignal.timeout(options.planTimeoutMs ?? 15_000),
        });
        const text = await response.text();
        if (!response.ok) return { kind: "unavailable", reason: `executor answered ${response.status} to the plan request` };
        const authentic = await verifySignedRequest(
          options.secret,
          text,
          { timestamp: response.headers.get(TIMESTAMP_HEADER) ?? undefined, signature: response.headers.get(SIGNATURE_HEADER) ?? undefined },
          nowSeconds(),
        );
        if (!authentic) return { kind: "unavailable", reason: "the plan answer is not signed with EXECUTOR_SECRET" };
        const plan = ActionPlan.safeParse(JSON.parse(text));
        if (!plan.success) return { kind: "unavailable", reason: `the plan answer does not match the contract: ${plan.error.issues[0]?.path.join(".")}` };
        if (plan.data.digest !== request.digest) return { kind: "unavailable", reason: "the plan is for a different action" };
        return { kind: "planned", plan: plan.data };
      } catch (error) {
        return { kind: "unavailable", reason: `no plan: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
  };
}
