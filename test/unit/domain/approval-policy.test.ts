import { describe, expect, it } from "vitest";
import type { Rca } from "../../../shared/contracts/rca.ts";
import { approvalExpiry, decideApproval, tallySignatures } from "../../../shared/domain/approval-policy.ts";

function rca(overrides: Partial<Rca> & { data_impact?: Rca["blast_radius"]["data_impact"] } = {}): Rca {
  const { data_impact = "none", ...rest } = overrides;
  return {
    root_cause: "r",
    risk_level: "low",
    blast_radius: { affected_pods: 1, estimated_downtime: "30s", related_services: [], data_impact },
    suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod p -n n", description: "d" },
    confidence: 90,
    dry_run_checks: [],
    provider: "ollama",
    model: "llama3.2",
    ...rest,
  };
}

describe("decideApproval", () => {
  it("auto-approves a low-risk model verdict touching no data", () => {
    expect(decideApproval(rca())).toMatchObject({ kind: "auto_approve", requiredSignatures: 0 });
  });

  it.each([
    ["medium", 1],
    ["high", 2],
    ["critical", 2],
  ] as const)("requires signatures for %s risk: %d", (risk_level, n) => {
    expect(decideApproval(rca({ risk_level }))).toMatchObject({ kind: "require_approval", requiredSignatures: n, riskLevel: risk_level });
  });

  it("never auto-approves a rules-only verdict", () => {
    const decision = decideApproval(rca({ provider: "rules", model: "awoooi-rules-v1" }));
    expect(decision).toMatchObject({ kind: "require_approval", requiredSignatures: 1 });
    expect(decision.reasons.join(" ")).toContain("rules");
  });

  it.each(["write", "destructive"] as const)("raises %s data impact to at least high risk", (data_impact) => {
    expect(decideApproval(rca({ data_impact }))).toMatchObject({ kind: "require_approval", riskLevel: "high", requiredSignatures: 2 });
    expect(decideApproval(rca({ data_impact, risk_level: "medium" }))).toMatchObject({ riskLevel: "high" });
    expect(decideApproval(rca({ data_impact, risk_level: "critical" }))).toMatchObject({ riskLevel: "critical" });
  });

  it("records why it decided", () => {
    expect(decideApproval(rca({ risk_level: "high" })).reasons).toEqual(["risk high requires 2 signatures"]);
  });
});

describe("tallySignatures", () => {
  it.each([
    [[], 2, "PENDING"],
    [["approve"], 2, "PENDING"],
    [["approve", "approve"], 2, "APPROVED"],
    [["approve"], 1, "APPROVED"],
    [["approve", "reject"], 2, "REJECTED"],
    [["reject"], 1, "REJECTED"],
  ] as const)("%o of %d → %s", (decisions, required, status) => {
    expect(
      tallySignatures(
        decisions.map((decision) => ({ decision })),
        required,
      ),
    ).toBe(status);
  });
});

describe("approvalExpiry", () => {
  it("gives P0 thirty minutes and the rest a day", () => {
    expect(approvalExpiry("P0", 1_000)).toBe(1_000 + 1_800);
    expect(approvalExpiry("P3", 1_000)).toBe(1_000 + 86_400);
  });
});
