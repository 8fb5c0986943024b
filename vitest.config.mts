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
      testTimeout: 20_000,
    },
  };
}

export default defineConfig({
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
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
        test: { name: "faults", include: ["test/faults/**/*.test.ts"], testTimeout: 180_000 },
      },
      { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 180_000 } },
    ],
  },
});
