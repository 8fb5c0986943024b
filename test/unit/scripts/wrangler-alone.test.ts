import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../scripts/lib/stack.ts";
import { prefixedConfig } from "../../../scripts/lib/wrangler-alone.ts";
import { FUNCTIONS } from "../../../scripts/workers.ts";

describe("prefixedConfig (a function's own wrangler dev session for the bench)", () => {
  it("prefixes the Worker and every queue it produces to, consumes or dead-letters to, and points main at the source", () => {
    for (const fn of FUNCTIONS) {
      const original = readFileSync(join(ROOT, fn.config), "utf8");
      const config = readFileSync(prefixedConfig(fn.name, "benchx"), "utf8");
      expect(config).toContain(`name = "awoooi-benchx-${fn.name}"`);
      expect(config).toContain(`main = "${join(ROOT, "functions", fn.name, "src/index.ts")}"`);
      // Nothing left that another session in the dev registry could answer to.
      expect(config).not.toMatch(/queue = "awoooi-(?!benchx-)/);
      expect(config.match(/queue = "/g)?.length).toBe(original.match(/queue = "/g)?.length);
      // Only names change: the rest (bindings, batching, retries, minify) is the function's own.
      expect(config.replaceAll("awoooi-benchx-", "awoooi-").replace(/^main = .*$/m, "")).toBe(original.replace(/^main = .*$/m, ""));
    }
  });
});
