import { signedHeaders } from "./signatures.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type SignedDeliveryOutcome = "delivered" | "refused" | "gave_up";

/**
 * POSTs a JSON body signed with `signedHeaders` (signed afresh per attempt),
 * retrying network errors, 408, 429 and 5xx with doubling backoff. Any other
 * 4xx is final: the receiver will not change its mind. Used by the Node
 * services (relay callbacks, executor results) to report back to the Workers.
 */
export async function postSigned(options: {
  readonly url: string;
  readonly body: string;
  readonly secret: string;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Called with `refused`, `retry` or `gave_up` and what is known. */
  readonly log: (event: "refused" | "retry" | "gave_up", details: Record<string, unknown>) => void;
  readonly fetch?: typeof fetch;
}): Promise<SignedDeliveryOutcome> {
  const fetchImpl = options.fetch ?? fetch;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      const response = await fetchImpl(options.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...options.headers,
          ...(await signedHeaders(options.secret, options.body, Math.floor(Date.now() / 1000))),
        },
        body: options.body,
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return "delivered";
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        options.log("refused", { status: response.status, body: (await response.text().catch(() => "")).slice(0, 300) });
        return "refused";
      }
      options.log("retry", { attempt, status: response.status });
    } catch (error) {
      options.log("retry", { attempt, error: String(error) });
    }
    if (attempt < options.attempts) await sleep(options.backoffMs * 2 ** (attempt - 1));
  }
  options.log("gave_up", {});
  return "gave_up";
}
