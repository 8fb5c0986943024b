// `npm run eval` as a user runs it: a real process asking the Gemini stand-in,
// with the cases' recorded cluster context in the prompt or left out.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGemini, startFakeGemini } from "../support/fakes/fake-gemini.ts";

let gemini: FakeGemini;
beforeAll(async () => {
  gemini = await startFakeGemini();
});
afterAll(() => gemini?.close());

function runEval(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/eval.ts", ...args], {
      env: { ...process.env, GEMINI_API_KEY: "eval-key", GEMINI_BASE_URL: gemini.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

const prompts = (from: number) => gemini.requests.slice(from).map((r) => JSON.stringify(r.body.contents));

describe("npm run eval -- --provider gemini --context on|off", () => {
  it("asks with the recorded context on, without it off, and reports the context-sensitive cases apart", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "awoooi-eval-")), "on.json");
    let seen = gemini.requests.length;
    const on = await runEval(["--provider", "gemini", "--context", "on", "--out", out]);
    expect(on.code, on.output).toBe(0);
    expect(on.output).toContain("context on (16 cases carry recorded context)");
    expect(on.output).toMatch(/context matters\s+8 /);
    expect(prompts(seen).filter((p) => p.includes("## Cluster Context"))).toHaveLength(16);
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ provider: "gemini", context: "on", cases: 148, context_matters: { cases: 8 } });

    seen = gemini.requests.length;
    const off = await runEval(["--provider", "gemini", "--context", "off"]);
    expect(off.code, off.output).toBe(0);
    expect(prompts(seen).some((p) => p.includes("## Cluster Context"))).toBe(false);
    expect(prompts(seen).length).toBeGreaterThanOrEqual(148);
  });

  it("refuses a --context that is neither on nor off, naming it", async () => {
    const { code, output } = await runEval(["--provider", "rules", "--context", "maybe"]);
    expect(code).toBe(2);
    expect(output).toContain('--context takes on or off, not "maybe"');
  });
});
