// Pins the layering rules: domain code and contracts import no SDK, and every
// queue consumer parses its messages with a versioned envelope schema.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^\s*import\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!);
}

const SDKS = ["@upstash/redis", "@neondatabase/serverless", "kysely", "ollama", "@anthropic-ai/sdk", "hono", "prom-client", "cloudflare:"];

describe("layering", () => {
  it.each(["shared/domain", "shared/contracts", "shared/ports"])("%s imports no SDK and no adapter", (dir) => {
    const offenders = sources(join(ROOT, dir)).flatMap((file) =>
      imports(file)
        .filter((spec) => SDKS.some((sdk) => spec === sdk || spec.startsWith(`${sdk}/`) || spec.startsWith(sdk)) || spec.includes("/adapters/"))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  // A queue's schema is one versioned envelope (`…V1`) or a union of them (`…QueueMessage`).
  const queueSchemas = readFileSync(join(ROOT, "shared", "contracts", "queue.ts"), "utf8");
  const VERSIONED = /(\w+V\d+|\w+QueueMessage)/;

  it("queue-message unions are made of versioned envelopes only", () => {
    for (const [, members] of queueSchemas.matchAll(/QueueMessage = z\.discriminatedUnion\("type", \[([^\]]+)\]\)/g)) {
      for (const member of members!.split(",").map((m) => m.trim())) expect(member).toMatch(/^\w+V\d+$/);
    }
  });

  it("every queue consumer parses with a versioned envelope schema", () => {
    const consumers = ["analyze", "classify", "notify", "approve"].map((fn) => readFileSync(join(ROOT, "functions", fn, "src", "index.ts"), "utf8"));
    for (const source of consumers) expect(source).toMatch(new RegExp(`schema: ${VERSIONED.source},`));
    const deadLetters = readFileSync(join(ROOT, "functions", "approve", "src", "dead-letters.ts"), "utf8");
    expect(deadLetters).toContain("DeadLetterV1.safeParse");
  });

  it("every producer sends through publish/publishAll, which parses before sending", () => {
    for (const fn of ["webhook-receive/src/services.ts", "analyze/src/services.ts", "classify/src/services.ts", "approve/src/services.ts"]) {
      const source = readFileSync(join(ROOT, "functions", fn), "utf8");
      expect(source).toMatch(new RegExp(`publish(All)?\\(env\\.\\w+_QUEUE, ${VERSIONED.source},`));
      expect(source).not.toMatch(/\.(send|sendBatch)\(/);
    }
  });

  it("no envelope is built by hand: every message comes from its builder in shared/contracts/envelopes.ts", () => {
    const builders = join(ROOT, "shared", "contracts", "envelopes.ts");
    const offenders = [...sources(join(ROOT, "functions")), ...sources(join(ROOT, "shared"))]
      .filter((file) => file !== builders)
      .filter((file) => /\btype: "[a-z_.]+",\s*version: \d+,/.test(readFileSync(file, "utf8")) || /\bversion: \d+,\s*id: /.test(readFileSync(file, "utf8")));
    expect(offenders.map((f) => f.slice(ROOT.length + 1))).toEqual([]);
  });

  it("the audit log is written in one place (appendAudit)", () => {
    const writers = [...sources(join(ROOT, "functions")), ...sources(join(ROOT, "shared"))].filter((file) =>
      readFileSync(file, "utf8").includes('insertInto("audit_log")'),
    );
    expect(writers.map((f) => f.slice(ROOT.length + 1))).toEqual(["shared/adapters/neon-kysely-audit.ts"]);
  });

  it("one database lifetime: a handle is opened only by withDb, through each function's withServices", () => {
    const openers = [...sources(join(ROOT, "functions")), ...sources(join(ROOT, "shared"))].filter((file) => /\bcreateDb\(/.test(readFileSync(file, "utf8")));
    expect(openers.map((f) => f.slice(ROOT.length + 1))).toEqual(["shared/adapters/neon-kysely-db.ts"]);
    for (const fn of ["analyze", "classify", "approve"]) {
      const entries = ["index.ts", "app.ts"]
        .map((entry) => join(ROOT, "functions", fn, "src", entry))
        .filter((file) => statSync(file, { throwIfNoEntry: false }));
      for (const entry of entries) expect(readFileSync(entry, "utf8"), relative(ROOT, entry)).not.toMatch(/\bwithDb\(|\.destroy\(\)/);
    }
  });

  it("every log line goes through the one Log (shared/logging.ts): no hand-made JSON lines", () => {
    const writers = [
      ...sources(join(ROOT, "functions")),
      ...sources(join(ROOT, "shared")),
      ...sources(join(ROOT, "infra", "executor")),
      ...sources(join(ROOT, "infra", "ollama-relay")),
    ]
      .filter((file) => /console\.(log|error)\(JSON\.stringify/.test(readFileSync(file, "utf8")))
      .map((f) => f.slice(ROOT.length + 1));
    expect(writers).toEqual(["shared/logging.ts"]);
  });
});
