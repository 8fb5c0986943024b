import type { ActionPlan, PlanRequest } from "../contracts/action.ts";
import type { ExecutionRequest } from "../contracts/execution.ts";

export type HandOffOutcome =
  | { readonly kind: "accepted" }
  /** The executor refused for good (a 4xx other than 408/429): retrying cannot help. */
  | { readonly kind: "refused"; readonly reason: string };

export type PlanOutcome = { readonly kind: "planned"; readonly plan: ActionPlan } | { readonly kind: "unavailable"; readonly reason: string };

/** Where approved actions go. Transient hand-off failures (network, 5xx, 429) throw, so the queue retries. */
export interface Executor {
  handOff(request: ExecutionRequest): Promise<HandOffOutcome>;
  /**
   * The executor's server-side dry run of exactly this action, with the live
   * facts the guardrails need. Never throws: without a plan the action simply
   * cannot be automatic.
   */
  plan(request: PlanRequest): Promise<PlanOutcome>;
}
