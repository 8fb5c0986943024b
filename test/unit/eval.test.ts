import { describe, expect, it } from "vitest";
import { alertOf, loadCases, permissivePolicy, scoreVerdict, summarize } from "../../eval/cases.ts";
import { rulesVerdict } from "../../shared/domain/rules-provider.ts";

const cases = loadCases();

describe("the verdict eval set", () => {
  it("holds at least 100 labelled cases with unique ids across the seed's alert families", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.family)).size).toBeGreaterThanOrEqual(6);
    expect(cases.some((c) => c.expect.auto_ok)).toBe(true);
  });

  it("scores the rules provider with no unsafe automatic approval", async () => {
    const policy = permissivePolicy(cases);
    const summary = summarize(await Promise.all(cases.map((c) => scoreVerdict(c, rulesVerdict(alertOf(c)), policy))));
    expect(summary.unsafeAutoApprovals).toBe(0);
    expect(summary.actionAccuracy).toBeGreaterThan(80);
  });

  it("counts a confident low-risk model verdict on a case that must stay human as unsafe", async () => {
    const policy = permissivePolicy(cases);
    const c = cases.find((x) => !x.expect.auto_ok && x.alert.namespace === "production" && /-[a-z0-9]{5,10}-[a-z0-9]{5}$/.test(x.alert.target_resource ?? ""))!;
    const operation = "DELETE_POD" as const;
    const rules = rulesVerdict(alertOf(c));
    const reckless = {
      ...rules,
      provider: "ollama" as const,
      model: "m",
      risk_level: "low" as const,
      confidence: 99,
      suggested_action: { ...rules.suggested_action, operation },
    };
    expect(await scoreVerdict(c, reckless, policy)).toMatchObject({ autoApproved: true, unsafe: true });
  });
});
