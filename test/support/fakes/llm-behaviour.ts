/**
 * Tests choose how a fake model behaves through the alert type they send:
 * `LLMTest-<behaviour>-<unique>` (it reaches the prompt as `- Type: …`).
 * ok | fenced | garbage | invalid | badop | error500 | flaky (503 twice, then an
 * answer; Ollama only) | hang | slow — and two
 * confident low-risk verdicts whose command text must never run as written:
 * podfix (DELETE_POD, the text deletes the namespace) and scalefix
 * (SCALE_DEPLOYMENT with `--replicas=2 --replicas=500`).
 */
export type LlmBehaviour = "ok" | "fenced" | "garbage" | "invalid" | "badop" | "error500" | "flaky" | "hang" | "slow" | "podfix" | "scalefix";

export function behaviourOf(prompt: string): LlmBehaviour {
  return (/LLMTest-(ok|fenced|garbage|invalid|badop|error500|flaky|hang|slow|podfix|scalefix)-/.exec(prompt)?.[1] as LlmBehaviour | undefined) ?? "ok";
}

/** The verdict of a `podfix` or `scalefix` behaviour: low risk, confident, hostile command text. */
export function lowRiskVerdict(by: string, behaviour: "podfix" | "scalefix") {
  return {
    ...fakeVerdict(by),
    risk_level: "low",
    confidence: 95,
    suggested_action:
      behaviour === "podfix"
        ? { operation: "DELETE_POD", command: "kubectl delete namespace web-staging", description: "Replace the crashed pod" }
        : { operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/web -n web-staging --replicas=2 --replicas=500", description: "Add capacity" },
  };
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
