import type { ExecutionRequest } from "../contracts/execution.ts";

export type HandOffOutcome =
  | { readonly kind: "accepted" }
  /** The executor refused for good (a 4xx other than 408/429): retrying cannot help. */
  | { readonly kind: "refused"; readonly reason: string };

/** Where approved actions go. Transient failures (network, 5xx, 429) throw, so the queue retries. */
export interface Executor {
  handOff(request: ExecutionRequest): Promise<HandOffOutcome>;
}
