import { describe, expect, it } from "vitest";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import { Rca } from "../../../shared/contracts/rca.ts";
import { RULES_MODEL, rulesVerdict, workloadOfPod } from "../../../shared/domain/rules-provider.ts";

function alert(alert_type: string, overrides: Partial<NormalizedAlert> = {}): NormalizedAlert {
  return {
    alert_type,
    severity: "warning",
    priority: "P2",
    source: "alertmanager",
    status: "firing",
    namespace: "shop",
    target_resource: "checkout-7d4b8c9f5-xk2m3",
    resource_type: "pod",
    message: "m",
    fired_at: "2026-11-22T03:00:00Z",
    ...overrides,
  };
}

describe("rulesVerdict", () => {
  it.each([
    ["PodCrashLoopBackOff", "ROLLBACK_DEPLOYMENT", "high"],
    ["ImagePullBackOff", "INVESTIGATE", "medium"],
    ["UnexpectedPodRestart", "DELETE_POD", "medium"],
    ["InstanceDown", "RESTART_DEPLOYMENT", "high"],
    ["HTTP500Spike", "ROLLBACK_DEPLOYMENT", "high"],
    ["PostgreSQLConnectionFailed", "INVESTIGATE", "high"],
    ["RedisConnectionFailed", "INVESTIGATE", "high"],
    ["SSLCertExpiringSoon", "RENEW_CERTIFICATE", "medium"],
    ["HighCpuLoad", "SCALE_DEPLOYMENT", "medium"],
    ["HighMemoryUsage", "INCREASE_MEMORY", "medium"],
    ["DiskSpaceLow", "INVESTIGATE", "medium"],
    ["PipelineFailed", "RERUN_PIPELINE", "medium"],
    ["CriticalVulnerabilityFound", "PATCH_VULNERABILITY", "high"],
    ["APIResponseTimeSlow", "SCALE_DEPLOYMENT", "medium"],
  ] as const)("recognises %s → %s at %s risk", (type, operation, risk) => {
    const verdict = rulesVerdict(alert(type));
    expect(Rca.parse(verdict)).toEqual(verdict);
    expect(verdict.suggested_action.operation).toBe(operation);
    expect(verdict.risk_level).toBe(risk);
    expect(verdict).toMatchObject({ provider: "rules", model: RULES_MODEL });
    expect(verdict.confidence).toBeLessThan(50);
  });

  it("targets the pod's workload in commands", () => {
    expect(rulesVerdict(alert("PodCrashLoopBackOff")).suggested_action.command).toBe("kubectl rollout undo deployment/checkout -n shop");
  });

  it("raises a P0 alert to at least high risk", () => {
    expect(rulesVerdict(alert("HighCpuLoad", { priority: "P0", severity: "critical" })).risk_level).toBe("high");
  });

  it("proposes no action for an unknown family and says so", () => {
    const verdict = rulesVerdict(alert("SomethingOdd", { priority: "P1" }));
    expect(verdict.suggested_action.operation).toBe("INVESTIGATE");
    expect(verdict.risk_level).toBe("high");
    expect(verdict.root_cause).toContain("SomethingOdd");
  });
});

describe("workloadOfPod", () => {
  it.each([
    ["api-server-7d4b8c9f5-xk2m3", "api-server"],
    ["web-5f7b9c8d6-abcde", "web"],
    ["standalone", "standalone"],
    ["db-0", "db-0"],
  ])("%s → %s", (pod, workload) => expect(workloadOfPod(pod)).toBe(workload));
});
