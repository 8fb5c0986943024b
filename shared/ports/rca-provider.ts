import type { NormalizedAlert } from "../contracts/alert.ts";
import type { RelayJob } from "../contracts/analysis.ts";
import type { ClusterContext, ContextRequest } from "../contracts/context.ts";
import type { RcaProvider } from "../contracts/rca.ts";
import type { RcaVerdict } from "../domain/rca-parse.ts";
import type { ComposedPrompt } from "../domain/rca-prompt.ts";

/** Tokens a provider reported over one analysis (its repair turn included). */
export interface TokenUsage {
  readonly input: number;
  readonly output: number;
}

export type ProviderOutcome =
  | { readonly ok: true; readonly verdict: RcaVerdict; readonly model: string; readonly usage?: TokenUsage }
  | { readonly ok: false; readonly reason: string; readonly usage?: TokenUsage };

/** A provider that answers within the consumer's invocation (Anthropic, rules). Never throws. */
export interface SyncRcaProvider {
  readonly name: Exclude<RcaProvider, "ollama">;
  analyze(prompt: ComposedPrompt, alert: NormalizedAlert): Promise<ProviderOutcome>;
}

/** The relay on the GPU host, inside the operator's network. Never throws. */
export interface RelayClient {
  /** Hands over an analysis job: taken at once, answered later by a callback. */
  submit(job: RelayJob): Promise<{ readonly accepted: true } | { readonly accepted: false; readonly reason: string }>;
  /** What the cluster and Prometheus say about the alert, gathered within the request's budget. */
  context(
    request: ContextRequest,
    correlationId: string,
  ): Promise<{ readonly ok: true; readonly context: ClusterContext } | { readonly ok: false; readonly reason: string }>;
}
