// Checks a function's settings before it starts anywhere: the values in its
// wrangler config's [vars] against the function's own zod schema (the one it
// parses at run time), with secrets counted as present when they are set.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "smol-toml";
import type { WorkerInfo } from "../workers.ts";

interface Issue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
}
interface Schema {
  safeParse(input: unknown): { success: true } | { success: false; error: { issues: readonly Issue[] } };
}

/**
 * Stand-ins for a set secret, whose value cannot be read: each secret gets the
 * first that its own check accepts, so the schema's cross-field rules still run.
 */
const STAND_INS = [
  "set-secret-value-0123456789abcdef",
  "postgres://user@set.example/db",
  "https://set.example",
  "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  '[{"id":"set-a"},{"id":"set-b"}]',
];

function withStandIns(schema: Schema, vars: Readonly<Record<string, unknown>>, secrets: readonly string[]): Record<string, unknown> {
  const unset = secrets.filter((secret) => !(secret in vars));
  const choice = new Map(unset.map((secret) => [secret, 0]));
  const input = () => ({ ...Object.fromEntries(unset.map((secret) => [secret, STAND_INS[choice.get(secret)!]])), ...vars });
  for (let round = 0; round < STAND_INS.length; round++) {
    const result = schema.safeParse(input());
    if (result.success) break;
    const refused = new Set(result.error.issues.map((issue) => String(issue.path[0])).filter((key) => choice.has(key)));
    if (refused.size === 0) break;
    for (const key of refused) choice.set(key, Math.min(choice.get(key)! + 1, STAND_INS.length - 1));
  }
  return input();
}

/**
 * One line per problem, naming the variable: a [vars] value the schema refuses,
 * or a required setting that is neither in [vars] nor among the set secrets.
 * Problems with a secret's value cannot be seen here (the function's /ready shows them).
 */
export function configProblems(name: string, schema: Schema, vars: Readonly<Record<string, unknown>>, secrets: readonly string[]): string[] {
  const result = schema.safeParse(withStandIns(schema, vars, secrets));
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const key = String(issue.path[0] ?? "(env)");
    const given = key in vars;
    const secret = secrets.includes(key) && !given;
    return secret ? [] : [`${name}: ${key}: ${issue.message}${given ? "" : " (not set)"}`];
  });
}

/** The [vars] table of a wrangler config (top level, or of `--env <name>`). */
export function varsOf(configPath: string, env?: string): Record<string, unknown> {
  const config = parse(readFileSync(configPath, "utf8")) as { vars?: Record<string, unknown>; env?: Record<string, { vars?: Record<string, unknown> }> };
  return { ...config.vars, ...(env ? config.env?.[env]?.vars : {}) };
}

/** Loads the function's settings schema from its env.ts (at run time: the file's binding types are the Worker's own). */
export async function schemaOf(root: string, worker: WorkerInfo): Promise<Schema | undefined> {
  if (!worker.configSchema) return undefined;
  const module = (await import(pathToFileURL(join(root, "functions", worker.name, "src", "env.ts")).href)) as Record<string, Schema>;
  return module[worker.configSchema];
}
