import type { RelayJob } from "../contracts/analysis.ts";
import { signedHeaders } from "../http/signatures.ts";
import type { RelayClient } from "../ports/rca-provider.ts";

export interface RelayClientOptions {
  /** Base URL of the relay on the GPU host. */
  readonly url: string;
  readonly hmacSecret: string;
  /** How long to wait for the relay to accept a job, in ms. Default 5000. */
  readonly submitTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Submits analysis jobs to the Ollama relay (`POST /v1/jobs`, HMAC-signed); the relay answers 202 at once. */
export function createRelayClient(options: RelayClientOptions): RelayClient {
  const doFetch = options.fetch ?? fetch;
  return {
    async submit(job: RelayJob) {
      const body = JSON.stringify(job);
      try {
        const response = await doFetch(new URL("/v1/jobs", options.url), {
          method: "POST",
          headers: { "Content-Type": "application/json", ...(await signedHeaders(options.hmacSecret, body, Math.floor(Date.now() / 1000))) },
          body,
          signal: AbortSignal.timeout(options.submitTimeoutMs ?? 5_000),
        });
        // 409: the relay already has this job (a redelivered submission); its one callback will come.
        if (response.status === 202 || response.status === 409) return { accepted: true };
        return { accepted: false, reason: response.status === 503 ? "relay busy" : `relay answered ${response.status}` };
      } catch (error) {
        return { accepted: false, reason: error instanceof Error && error.name === "TimeoutError" ? "relay did not accept in time" : "relay unreachable" };
      }
    },
  };
}
