import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Operation, type Rca } from "../../../shared/contracts/rca.ts";
import { DEFAULT_TRUST_POLICY, decideTrust, type TrustCounters, type TrustPolicy, targetReplicas } from "../../../shared/domain/trust-engine.ts";

const POLICY: TrustPolicy = { ...DEFAULT_TRUST_POLICY, autoNamespaces: new Set(["staging", "shop"]) };
const CALM: TrustCounters = { repairsLastHour: 0, consecutiveFailures: 0, learned: undefined };

function rca(overrides: Partial<Rca> = {}, action: Partial<Rca["suggested_action"]> = {}, impact: Rca["blast_radius"]["data_impact"] = "none"): Rca {
  return {
    root_cause: "r",
    risk_level: "low",
    blast_radius: { affected_pods: 1, estimated_downtime: "30s", related_services: [], data_impact: impact },
    suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod p -n shop", description: "d", ...action },
    confidence: 90,
    dry_run_checks: [],
    provider: "ollama",
    model: "llama3.2",
    ...overrides,
  };
}

const decide = (verdict: Rca, counters: TrustCounters = CALM, namespace = "shop") => decideTrust({ rca: verdict, namespace, priority: "P2" }, counters, POLICY);

describe("decideTrust", () => {
  it("auto-approves a low-risk, confident model verdict in an allowed namespace", () => {
    expect(decide(rca())).toMatchObject({ kind: "auto_approve", requiredSignatures: 0 });
  });

  it.each([
    ["a rules-only verdict", rca({ provider: "rules", model: "awoooi-rules-v1" }), CALM, "shop", "rules only"],
    ["a namespace outside the allow-list", rca(), CALM, "production", "namespace production"],
    ["low confidence", rca({ confidence: 79 }), CALM, "shop", "confidence 79"],
    ["an operation outside the automatic set", rca({}, { operation: "ROLLBACK_DEPLOYMENT" }), CALM, "shop", "not an automatic operation"],
    ["five repairs in the last hour", rca(), { ...CALM, repairsLastHour: 5 }, "shop", "5 automatic repairs"],
    ["three consecutive failures", rca(), { ...CALM, consecutiveFailures: 3 }, "shop", "3 consecutive"],
    [
      "a scale beyond max replicas",
      rca({}, { operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/api --replicas=11" }),
      CALM,
      "shop",
      "11 replicas",
    ],
    [
      "a scale without a plain count",
      rca({}, { operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/api --replicas=<current+1>" }),
      CALM,
      "shop",
      "not a plain replica count",
    ],
    ["a poor learned success rate", rca(), { ...CALM, learned: { successes: 2, samples: 5 } }, "shop", "success rate 0.40"],
    ["read-write data impact (raised to high)", rca({}, {}, "write"), CALM, "shop", "raises risk"],
  ] as const)("asks a human for %s, saying why", (_case, verdict, counters, namespace, reason) => {
    const decision = decide(verdict, counters, namespace);
    expect(decision.kind).toBe("require_approval");
    expect(decision.reasons.join(" | ")).toContain(reason);
  });

  it("ignores a learned rate with too few samples", () => {
    expect(decide(rca(), { ...CALM, learned: { successes: 0, samples: 4 } }).kind).toBe("auto_approve");
  });

  it("requires 1 signature for medium and 2 for high and critical", () => {
    expect(decide(rca({ risk_level: "medium" })).requiredSignatures).toBe(1);
    expect(decide(rca({ risk_level: "high" })).requiredSignatures).toBe(2);
    expect(decide(rca({ risk_level: "critical" })).requiredSignatures).toBe(2);
  });

  it("only notifies when no action is proposed", () => {
    expect(decide(rca({ risk_level: "high" }, { operation: "INVESTIGATE" }))).toMatchObject({ kind: "notify_only", requiredSignatures: 0 });
  });

  it("auto-approves nothing by default, before namespaces are configured", () => {
    expect(decideTrust({ rca: rca(), namespace: "shop", priority: "P3" }, CALM).kind).toBe("require_approval");
  });
});

describe("targetReplicas", () => {
  it.each([
    ["kubectl scale deployment/api --replicas=3", 3],
    ["kubectl scale deployment/api --replicas 12 -n x", 12],
    ["kubectl scale deployment/api --replicas=<current+1>", undefined],
    ["kubectl delete pod p", undefined],
  ])("%s → %s", (command, replicas) => expect(targetReplicas(command)).toBe(replicas));
});

describe("property: no automatic approval ever breaks a guardrail", () => {
  const verdicts = fc.record({
    risk_level: fc.constantFrom("low", "medium", "high", "critical"),
    data_impact: fc.constantFrom("none", "read_only", "write", "destructive"),
    operation: fc.constantFrom(...Operation.options),
    command: fc.oneof(
      fc.constant("kubectl delete pod p"),
      fc.integer({ min: 0, max: 50 }).map((n) => `kubectl scale deployment/x --replicas=${n}`),
      fc.string({ maxLength: 40 }),
    ),
    confidence: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 79.999, 80, 100)),
    provider: fc.constantFrom("ollama", "anthropic", "rules"),
    namespace: fc.option(fc.constantFrom("shop", "staging", "production", "kube-system", ""), { nil: undefined }),
  });
  const counters = fc.record({
    repairsLastHour: fc.integer({ min: 0, max: 10 }),
    consecutiveFailures: fc.integer({ min: 0, max: 6 }),
    learned: fc.option(
      fc.integer({ min: 0, max: 30 }).chain((samples) => fc.integer({ min: 0, max: samples }).map((successes) => ({ successes, samples }))),
      { nil: undefined },
    ),
  });

  it("holds over 10,000 generated verdicts and counter states", () => {
    fc.assert(
      fc.property(verdicts, counters, (v, c) => {
        const verdict = rca(
          { risk_level: v.risk_level as Rca["risk_level"], confidence: v.confidence, provider: v.provider as Rca["provider"] },
          { operation: v.operation, command: v.command },
          v.data_impact as Rca["blast_radius"]["data_impact"],
        );
        const decision = decideTrust({ rca: verdict, namespace: v.namespace, priority: "P2" }, c, POLICY);
        if (decision.kind !== "auto_approve") {
          expect(decision.reasons.length).toBeGreaterThan(0);
          return;
        }
        expect(verdict.risk_level).toBe("low");
        expect(["none", "read_only"]).toContain(verdict.blast_radius.data_impact);
        expect(POLICY.autoOperations.has(verdict.suggested_action.operation)).toBe(true);
        expect(v.namespace !== undefined && POLICY.autoNamespaces.has(v.namespace)).toBe(true);
        expect(verdict.confidence).toBeGreaterThanOrEqual(POLICY.minConfidence);
        expect(c.repairsLastHour).toBeLessThan(POLICY.maxRepairsPerHour);
        expect(c.consecutiveFailures).toBeLessThan(POLICY.maxConsecutiveFailures);
        expect(verdict.provider).not.toBe("rules");
        if (verdict.suggested_action.operation === "SCALE_DEPLOYMENT")
          expect(targetReplicas(verdict.suggested_action.command)).toBeLessThanOrEqual(POLICY.maxReplicas);
        if (c.learned && c.learned.samples >= POLICY.minSamples) expect(c.learned.successes / c.learned.samples).toBeGreaterThanOrEqual(POLICY.minSuccessRate);
      }),
      { numRuns: 10_000 },
    );
  });
});
