import { describe, expect, it } from "vitest";
import { approvalExpiry, tallySignatures } from "../../../shared/domain/approval-policy.ts";

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
