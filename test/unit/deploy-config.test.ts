import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FUNCTIONS, QUEUES } from "../../scripts/workers.ts";

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

  it("uses one compatibility date for every function", () => {
    expect(new Set(configs.map((toml) => /compatibility_date\s*=\s*"([^"]+)"/.exec(toml)?.[1])).size).toBe(1);
  });
});
