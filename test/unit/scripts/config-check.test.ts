import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configProblems, schemaOf, varsOf } from "../../../scripts/lib/config-check.ts";
import { FUNCTIONS } from "../../../scripts/workers.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const worker = (name: string) => FUNCTIONS.find((fn) => fn.name === name)!;

describe("checking a function's settings before deploy", () => {
  it("passes settings its own schema accepts, with the required secrets set", async () => {
    const approve = worker("approve");
    const schema = (await schemaOf(ROOT, approve))!;
    expect(configProblems("approve", schema, { PUBLIC_BASE_URL: "https://awoooi.example.com" }, approve.requiredSecrets)).toEqual([]);
  });

  it("names a [vars] value the schema refuses, one line each", async () => {
    const approve = worker("approve");
    const schema = (await schemaOf(ROOT, approve))!;
    const problems = configProblems("approve", schema, { PUBLIC_BASE_URL: "not a url", SLA_RESPONSE: "P0=fast" }, approve.requiredSecrets);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^approve: (PUBLIC_BASE_URL|SLA_RESPONSE): /);
    expect(problems.join("\n")).toContain("approve: PUBLIC_BASE_URL:");
  });

  it("names a setting that is needed but neither in [vars] nor among the set secrets", async () => {
    const notify = worker("notify");
    const schema = (await schemaOf(ROOT, notify))!;
    const problems = configProblems("notify", schema, { PUBLIC_BASE_URL: "https://a.example", TELEGRAM_CHAT_ID: "-100" }, notify.requiredSecrets);
    expect(problems).toEqual(["notify: TELEGRAM_BOT_TOKEN: is required when TELEGRAM_CHAT_ID is set (not set)"]);
    // Once the secret is set its value cannot be read here, so it counts as present.
    expect(
      configProblems("notify", schema, { PUBLIC_BASE_URL: "https://a.example", TELEGRAM_CHAT_ID: "-100" }, [...notify.requiredSecrets, "TELEGRAM_BOT_TOKEN"]),
    ).toEqual([]);
  });

  it("reads [vars] from a wrangler config, including an environment's", () => {
    const dir = mkdtempSync(join(tmpdir(), "awoooi-config-"));
    const path = join(dir, "wrangler.toml");
    writeFileSync(path, 'name = "x"\n[vars]\nA = "1"\n[env.staging.vars]\nB = "2"\n');
    expect(varsOf(path)).toEqual({ A: "1" });
    expect(varsOf(path, "staging")).toEqual({ A: "1", B: "2" });
  });
});
