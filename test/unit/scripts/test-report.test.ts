import { describe, expect, it } from "vitest";
import { partOf, timingReport, type VitestReport } from "../../../scripts/lib/test-report.ts";

const file = (name: string, startTime: number, endTime: number, durations: number[]) => ({
  name: `/repo/${name}`,
  startTime,
  endTime,
  assertionResults: durations.map((duration, i) => ({ title: `t${i}`, ancestorTitles: ["suite"], duration, status: "passed" })),
});

describe("the test timing report", () => {
  it("puts each test file in its part, fuzz files of the functions in their own", () => {
    expect(partOf("/repo/test/unit/domain/sla.test.ts")).toBe("unit");
    expect(partOf("/repo/test/functions/approve/links.test.ts")).toBe("functions");
    expect(partOf("/repo/test/functions/approve/consumer-fuzz.test.ts")).toBe("fuzz");
    expect(partOf("/repo/test/functions/webhook-receive/fuzz.test.ts")).toBe("fuzz");
    expect(partOf("/repo/test/e2e/chain.test.ts")).toBe("e2e");
    expect(partOf("/repo/test/faults/matrix.test.ts")).toBe("faults");
    expect(partOf("/repo/test/faults/end-state-fuzz.test.ts")).toBe("fuzz");
    expect(partOf("/repo/test/infra/ollama-relay.test.ts")).toBe("infra");
  });

  it("sums each part's file time, spans overlapping files once, and lists the slowest tests first", () => {
    const report: VitestReport = {
      numPassedTests: 5,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      startTime: 0,
      testResults: [
        file("test/functions/a/fuzz.test.ts", 0, 30_000, [29_000]),
        file("test/functions/b/consumer-fuzz.test.ts", 10_000, 20_000, [9_000]),
        file("test/unit/x.test.ts", 0, 1_000, [10, 20, 30]),
      ],
    };
    const lines = timingReport(report, "/repo", 2);
    expect(lines.find((l) => l.startsWith("fuzz"))).toMatch(/^fuzz\s+2\s+2\s+40\.0 s\s+30\.0 s$/);
    expect(lines.find((l) => l.startsWith("unit"))).toMatch(/^unit\s+1\s+3\s+1\.0 s\s+1\.0 s$/);
    const slowest = lines.slice(lines.indexOf("slowest 2 tests:") + 1);
    expect(slowest).toEqual(["  29.0 s  test/functions/a/fuzz.test.ts > suite > t0", "   9.0 s  test/functions/b/consumer-fuzz.test.ts > suite > t0"]);
  });
});
