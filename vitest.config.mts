import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { FUNCTIONS } from "./scripts/workers.ts";

/** One workerd project per function: its own wrangler config, real backing services injected as bindings. */
function functionProject(name: string, config: string): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: `./${config}` },
        miniflare: { bindings: inject("workerEnv") },
      })),
    ],
    test: {
      name: `fn:${name}`,
      include: [`test/functions/${name}/**/*.test.ts`],
      // Only a hang should hit this: the slowest non-fuzz test here waits ~5 s on a provider timeout.
      testTimeout: 60_000,
      // One workerd per project, not per file: re-importing the function's modules cost ~3 s a file.
      isolate: false,
    },
  };
}

export default defineConfig({
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
    // Two test files at a time: most of a workerd or e2e file's time is spent waiting on I/O.
    maxWorkers: 2,
    // Logs of passing tests are noise in CI (fuzzing alone logs thousands of refusals); a failing test keeps its logs.
    silent: "passed-only",
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      { test: { name: "infra", include: ["test/infra/**/*.test.ts"], environment: "node", testTimeout: 30_000 } },
      ...FUNCTIONS.map((fn) => functionProject(fn.name, fn.config)),
      // The whole chain driven inside one workerd under injected faults (test/faults).
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./functions/approve/wrangler.toml" },
            miniflare: { bindings: inject("workerEnv") },
          })),
        ],
        test: { name: "faults", include: ["test/faults/**/*.test.ts"], testTimeout: 300_000 },
      },
      { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 180_000 } },
    ],
  },
});
