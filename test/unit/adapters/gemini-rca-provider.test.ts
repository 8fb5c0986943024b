import { describe, expect, it } from "vitest";
import { geminiSchema } from "../../../shared/adapters/gemini-rca-provider.ts";
import { rcaVerdictJsonSchema } from "../../../shared/domain/rca-parse.ts";
import { GEMINI_ACCEPTED_SCHEMA_KEYWORDS } from "../../support/fakes/fake-gemini.ts";

function keywords(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) keywords(item, into);
  else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      into.add(key);
      if (key === "properties" || key === "$defs") for (const member of Object.values(value as object)) keywords(member, into);
      else keywords(value, into);
    }
  }
  return into;
}

describe("geminiSchema", () => {
  it("keeps only the keywords Gemini's responseJsonSchema accepts, and the verdict's structure", () => {
    const schema = geminiSchema(rcaVerdictJsonSchema()) as { type: string; required: string[]; properties: Record<string, { enum?: string[] }> };
    expect([...keywords(schema)].filter((k) => !GEMINI_ACCEPTED_SCHEMA_KEYWORDS.has(k))).toEqual([]);
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(expect.arrayContaining(["root_cause", "risk_level", "suggested_action"]));
    expect(schema.properties.risk_level?.enum).toEqual(["low", "medium", "high", "critical"]);
  });

  it("drops lengths and patterns but keeps property names that look like keywords", () => {
    expect(geminiSchema({ type: "object", properties: { pattern: { type: "string", maxLength: 3, pattern: "^a" } } })).toEqual({
      type: "object",
      properties: { pattern: { type: "string" } },
    });
  });
});
