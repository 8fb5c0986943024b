import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertOf, loadCases, permissivePolicy, promptOf, scoreVerdict, summarize } from "../../eval/cases.ts";
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

  it("has, in every family, a case whose recorded context should change the answer and one whose should not", () => {
    for (const family of new Set(cases.map((c) => c.family))) {
      const own = cases.filter((c) => c.family === family);
      expect(
        own.some((c) => c.context && c.context_matters === true),
        `${family}: a case context should change`,
      ).toBe(true);
      expect(
        own.some((c) => c.context && c.context_matters === false),
        `${family}: a case context should not change`,
      ).toBe(true);
    }
  });

  it("puts a case's recorded context into the prompt with --context on, and leaves it out with off", () => {
    const c = cases.find((x) => x.id === "kubernetes-crashloop-right-after-a-rollout")!;
    expect(promptOf(c, true).user).toContain("revision 14 rolled out 8m ago");
    expect(promptOf(c, false).user).not.toContain("## Cluster Context");
    expect(promptOf(c, false).user).toBe(promptOf({ ...c, context: undefined }, true).user);
  });

  it("refuses a case with context that does not say whether it matters", () => {
    const dir = mkdtempSync(join(tmpdir(), "awoooi-eval-"));
    writeFileSync(
      join(dir, "x.yaml"),
      '- id: "x"\n  alert: { alert_type: A, severity: warning, source: s, message: m }\n  context: { pod: { name: p, phase: Running, ready: "1/1", restarts: 0 } }\n  expect: { risk: [low], action: [INVESTIGATE], auto_ok: false }\n',
    );
    expect(() => loadCases(dir)).toThrow(/x\.yaml case 1: context_matters/);
  });
});
