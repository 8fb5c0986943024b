/**
 * Tests choose how a fake model behaves through the alert type they send:
 * `LLMTest-<behaviour>-<unique>` (it reaches the prompt as `- Type: …`).
 * ok | fenced | garbage | invalid | badop | error500 | hang | slow
 */
export type LlmBehaviour = "ok" | "fenced" | "garbage" | "invalid" | "badop" | "error500" | "hang" | "slow";

export function behaviourOf(prompt: string): LlmBehaviour {
  return (/LLMTest-(ok|fenced|garbage|invalid|badop|error500|hang|slow)-/.exec(prompt)?.[1] as LlmBehaviour | undefined) ?? "ok";
}

export function fakeVerdict(by: string) {
  return {
    root_cause: `Analysis by ${by}: the new release fails its readiness check`,
    risk_level: "medium",
    blast_radius: { affected_pods: 2, estimated_downtime: "1m", related_services: ["checkout"], data_impact: "none" },
    suggested_action: {
      operation: "RESTART_DEPLOYMENT",
      command: "kubectl rollout restart deployment/api -n production",
      description: "Restart the deployment",
    },
    confidence: 77,
    dry_run_checks: [{ name: "Resource exists", passed: true, message: "deployment found" }],
  };
}
