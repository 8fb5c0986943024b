// `npm test`: static checks (binding types, typecheck, lint) and the bundle
// build check, then every test
// project — unit, infra, each function inside workerd, end-to-end through
// wrangler dev — against real Redis and Postgres. Extra arguments go to vitest
// (e.g. `npm test -- --project unit`). Ends with one summary line.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { timingReport, type VitestReport } from "./lib/test-report.ts";

const args = process.argv.slice(2);
const ciEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };

const timings: string[] = [];
const timed = <T>(name: string, run: () => T): T => {
  const started = performance.now();
  try {
    return run();
  } finally {
    timings.push(`${name.padEnd(12)} ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s`);
  }
};

if (!args.length || process.env.CI) {
  const check = timed("checks", () => spawnSync(process.execPath, ["scripts/check.ts"], { stdio: "inherit", env: ciEnv }));
  if (check.status !== 0) {
    console.error("checks failed: fix them before the tests run (npm run check)");
    process.exit(1);
  }
  // Every function must bundle as `wrangler deploy` would, within the size limit.
  const build = timed("build check", () => spawnSync(process.execPath, ["scripts/build-check.ts"], { stdio: "inherit", env: ciEnv }));
  if (build.status !== 0) {
    console.error("build check failed (npm run build:check)");
    process.exit(1);
  }
}

const reportDir = join("test-results");
const report = join(reportDir, "vitest.json");
mkdirSync(reportDir, { recursive: true });
rmSync(report, { force: true });
const vitest = timed("vitest", () =>
  spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args], {
    stdio: "inherit",
    env: ciEnv,
  }),
);

let summary = "no test report was written";
try {
  const results = JSON.parse(readFileSync(report, "utf8")) as VitestReport;
  for (const line of timingReport(results, process.cwd())) console.log(line);
  summary = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
} catch {
  // vitest failed before reporting; its exit code decides
}
console.log(["", "time by step:", ...timings].join("\n"));
console.log(summary);
process.exit(vitest.status ?? 1);
