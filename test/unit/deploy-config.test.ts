import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANALYZE_MAX_DELIVERIES } from "../../functions/analyze/src/deliveries.ts";
import { FUNCTIONS, missingSecrets, QUEUES } from "../../scripts/workers.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const configs = FUNCTIONS.map((fn) => readFileSync(join(ROOT, fn.config), "utf8"));

describe("deploy configuration", () => {
  it("creates exactly the queues the functions produce to and consume from", () => {
    const named = new Set(configs.flatMap((toml) => [...toml.matchAll(/^(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)].map((m) => m[1]!)));
    expect([...named].sort()).toEqual([...QUEUES].sort());
  });

  it("parks every consumer's exhausted messages in the dead-letter queue", () => {
    for (const toml of configs) {
      for (const block of toml.split("[[queues.consumers]]").slice(1)) {
        const queue = /queue\s*=\s*"([^"]+)"/.exec(block)?.[1];
        if (queue === "awoooi-dead-letter") continue;
        expect(block, `consumer of ${queue}`).toMatch(/dead_letter_queue\s*=\s*"awoooi-dead-letter"/);
      }
    }
  });

  it("knows how many deliveries the analyze queue makes before giving up (its last one releases the fingerprint)", () => {
    const toml = readFileSync(join(ROOT, "functions/analyze/wrangler.toml"), "utf8");
    const consumer = toml.split("[[queues.consumers]]").find((block) => /queue\s*=\s*"awoooi-analyze"/.test(block))!;
    expect(Number(/max_retries\s*=\s*(\d+)/.exec(consumer)?.[1]) + 1).toBe(ANALYZE_MAX_DELIVERIES);
  });

  it("closes every function's workers.dev address: routes are the only way in", () => {
    for (const [i, toml] of configs.entries()) expect(toml, FUNCTIONS[i]!.name).toMatch(/^workers_dev = false$/m);
  });

  it("names a required secret that wrangler does not list as set", () => {
    expect(missingSecrets(["A", "B", "C"], [{ name: "B", type: "secret_text" }])).toEqual(["A", "C"]);
    expect(missingSecrets(["A"], "not json")).toEqual(["A"]);
    expect(missingSecrets(["A"], [{ name: "A" }])).toEqual([]);
  });

  it("uses one compatibility date for every function", () => {
    expect(new Set(configs.map((toml) => /compatibility_date\s*=\s*"([^"]+)"/.exec(toml)?.[1])).size).toBe(1);
  });
});
