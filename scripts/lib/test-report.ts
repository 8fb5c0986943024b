// Reads vitest's JSON report and prints where the time went: each project's
// duration and the slowest tests, so a slow suite is visible in every CI log.

interface AssertionResult {
  readonly title: string;
  readonly ancestorTitles?: readonly string[];
  readonly duration?: number | null;
  readonly status: string;
}
interface FileResult {
  readonly name: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly assertionResults: readonly AssertionResult[];
}
export interface VitestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly startTime: number;
  readonly testResults: readonly FileResult[];
}

/** The part of the suite a test file belongs to, as docs/testing.md names them. */
export function partOf(file: string): string {
  const path = file.replaceAll("\\", "/");
  if (/fuzz[^/]*\.test\.ts$/.test(path)) return "fuzz";
  if (/\/test\/functions\//.test(path)) return "functions";
  const match = /\/test\/(unit|infra|e2e|faults)\//.exec(path);
  return match?.[1] ?? "other";
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Lines to print: per part, files, tests, time spent in its files and the wall-clock span they covered; then the slowest tests. */
export function timingReport(report: VitestReport, root: string, slowest = 10): string[] {
  const parts = new Map<string, { files: number; tests: number; busy: number; start: number; end: number }>();
  for (const file of report.testResults) {
    const name = partOf(file.name);
    const part = parts.get(name) ?? { files: 0, tests: 0, busy: 0, start: Number.POSITIVE_INFINITY, end: 0 };
    part.files += 1;
    part.tests += file.assertionResults.length;
    part.busy += file.endTime - file.startTime;
    part.start = Math.min(part.start, file.startTime);
    part.end = Math.max(part.end, file.endTime);
    parts.set(name, part);
  }
  const lines = ["", "time by part (files run two at a time, so spans overlap):", "part        files  tests   in files   span"];
  for (const [name, part] of [...parts].sort((a, b) => b[1].busy - a[1].busy)) {
    lines.push(
      `${name.padEnd(10)} ${String(part.files).padStart(6)} ${String(part.tests).padStart(6)} ${seconds(part.busy).padStart(10)} ${seconds(part.end - part.start).padStart(8)}`,
    );
  }
  const tests = report.testResults.flatMap((file) =>
    file.assertionResults.map((test) => ({
      duration: test.duration ?? 0,
      where: file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name,
      title: [...(test.ancestorTitles ?? []), test.title].join(" > "),
    })),
  );
  lines.push("", `slowest ${slowest} tests:`);
  for (const test of tests.sort((a, b) => b.duration - a.duration).slice(0, slowest)) {
    lines.push(`${seconds(test.duration).padStart(8)}  ${test.where} > ${test.title}`);
  }
  return lines;
}
