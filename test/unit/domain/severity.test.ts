import { describe, expect, it } from "vitest";
import { classifySeverity } from "../../../shared/domain/severity.ts";

describe("classifySeverity", () => {
  it.each([
    ["critical", "critical", "P0"],
    ["CRITICAL", "critical", "P0"],
    ["page", "critical", "P0"],
    ["high", "critical", "P1"],
    ["error", "critical", "P1"],
    ["warning", "warning", "P2"],
    ["info", "info", "P3"],
    ["none", "info", "P3"],
    ["something-else", "warning", "P2"],
    [undefined, "warning", "P2"],
  ] as const)("maps %s to %s / %s", (word, severity, priority) => {
    expect(classifySeverity(word)).toEqual({ severity, priority });
  });
});
