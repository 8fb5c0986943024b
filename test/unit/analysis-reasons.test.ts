import { describe, expect, it } from "vitest";
import { reasonClass } from "../../functions/analyze/src/analysis.ts";

describe("reasonClass (fallback metric label)", () => {
  it.each([
    [{ outcome: "skipped", reason: "not configured" }, "not_configured"],
    [{ outcome: "failed", reason: "timeout" }, "timeout"],
    [{ outcome: "failed", reason: "relay did not accept in time" }, "timeout"],
    [{ outcome: "failed", reason: "relay unreachable" }, "unreachable"],
    [{ outcome: "failed", reason: "relay busy" }, "busy"],
    [{ outcome: "failed", reason: "HTTP 429 rate_limit_error" }, "busy"],
    [{ outcome: "failed", reason: "invalid answer: no JSON object in the answer" }, "invalid_answer"],
    [{ outcome: "failed", reason: "HTTP 500 api_error" }, "error"],
    [{ outcome: "failed", reason: "relay error: model runner crashed" }, "error"],
    [{ outcome: "failed", reason: "something else" }, "other"],
  ] as const)("%o → %s", (entry, label) => {
    expect(reasonClass(entry)).toBe(label);
  });
});
