import { describe, expect, it } from "vitest";
import { parseVerdictObject, parseVerdictText, rcaVerdictJsonSchema } from "../../../shared/domain/rca-parse.ts";

const verdict = {
  root_cause: "A bad release crashes on start",
  risk_level: "high",
  blast_radius: { affected_pods: 3, estimated_downtime: "1m", related_services: ["checkout"], data_impact: "none" },
  suggested_action: { operation: "ROLLBACK_DEPLOYMENT", command: "kubectl rollout undo deployment/api -n prod", description: "Roll back" },
  confidence: 82,
  dry_run_checks: [{ name: "RBAC", passed: true, message: "ok" }],
};

describe("parseVerdictText", () => {
  it("reads raw JSON", () => {
    expect(parseVerdictText(JSON.stringify(verdict))).toEqual({ ok: true, verdict });
  });

  it("reads a fenced ```json block surrounded by prose", () => {
    const result = parseVerdictText(`Here is my analysis:\n\`\`\`json\n${JSON.stringify(verdict, null, 2)}\n\`\`\`\nHope it helps.`);
    expect(result.ok).toBe(true);
  });

  it("reads the outermost object out of chatter", () => {
    expect(parseVerdictText(`Sure! ${JSON.stringify(verdict)} Let me know.`).ok).toBe(true);
  });

  it.each([
    ["garbage", "the model is tired", "no JSON object"],
    ["broken JSON", '{"root_cause": "x", ', "no JSON object"],
    ["truncated JSON", '{"root_cause": "x", "risk_level": }', "not valid JSON"],
    ["an array", "[1,2,3]", "no JSON object"],
  ])("refuses %s with a reason", (_case, text, reason) => {
    const result = parseVerdictText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe("parseVerdictObject", () => {
  it("forgives case drift and a fractional confidence, and clamps confidence", () => {
    const drifted = {
      ...verdict,
      risk_level: "HIGH",
      confidence: 0.9,
      blast_radius: { ...verdict.blast_radius, data_impact: "Read-Only" },
      suggested_action: { ...verdict.suggested_action, operation: "rollback deployment" },
    };
    const result = parseVerdictObject(drifted);
    expect(result).toMatchObject({
      ok: true,
      verdict: { risk_level: "high", confidence: 90, blast_radius: { data_impact: "read_only" }, suggested_action: { operation: "ROLLBACK_DEPLOYMENT" } },
    });
    expect(parseVerdictObject({ ...verdict, confidence: 250 })).toMatchObject({ ok: true, verdict: { confidence: 100 } });
    expect(parseVerdictObject({ ...verdict, confidence: -4 })).toMatchObject({ ok: true, verdict: { confidence: 0 } });
  });

  it("refuses an operation outside the allow-list instead of mapping it", () => {
    const result = parseVerdictObject({ ...verdict, suggested_action: { ...verdict.suggested_action, operation: "DELETE_NAMESPACE" } });
    expect(result).toEqual({ ok: false, reason: 'operation "DELETE_NAMESPACE" is not allowed' });
  });

  it("names what is missing from a schema-invalid verdict", () => {
    const { risk_level: _r, ...incomplete } = verdict;
    const result = parseVerdictObject(incomplete);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("risk_level");
  });

  it("defaults dry-run checks to none", () => {
    const { dry_run_checks: _d, ...noChecks } = verdict;
    expect(parseVerdictObject(noChecks)).toMatchObject({ ok: true, verdict: { dry_run_checks: [] } });
  });
});

describe("rcaVerdictJsonSchema", () => {
  it("describes the verdict for structured outputs, with the operation allow-list", () => {
    const schema = rcaVerdictJsonSchema() as any;
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(expect.arrayContaining(["root_cause", "risk_level", "blast_radius", "suggested_action", "confidence"]));
    expect(schema.properties.suggested_action.properties.operation.enum).toContain("INVESTIGATE");
    expect(schema.$schema).toBeUndefined();
  });
});
