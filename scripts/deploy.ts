// `npm run deploy`: creates the queues (with the dead-letter queue), applies
// the migrations to DATABASE_URL, and deploys the five functions — in that
// order, stopping at the first failure. `--dry-run` prints the plan and
// bundles every function without touching Cloudflare or the database.
// Needs CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID when the token spans
// several accounts) and DATABASE_URL. Secrets per function: docs/deploy.md.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { configProblems, schemaOf, varsOf } from "./lib/config-check.ts";
import { FUNCTIONS, missingSecrets, QUEUES, type WorkerInfo } from "./workers.ts";

const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, env: { type: "string" } } });
const dryRun = values["dry-run"] ?? false;

function wrangler(args: string[], options: { allowFailure?: (output: string) => boolean } = {}): void {
  const printable = `wrangler ${args.join(" ")}`;
  if (dryRun && args[0] !== "deploy") {
    console.log(`[dry run] ${printable}`);
    return;
  }
  console.log(`→ ${printable}`);
  const result = spawnSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 && !options.allowFailure?.(output)) {
    console.error(output);
    throw new Error(`${printable} failed`);
  }
}

/**
 * Refuses to deploy a function that would start misconfigured: a required
 * secret unset, or a setting in its config's [vars] that its own schema refuses.
 * A dry run cannot list secrets, so it checks the [vars] values only.
 */
async function checkSettings(fn: WorkerInfo, envArgs: string[]): Promise<void> {
  let secrets: string[] = [...fn.requiredSecrets];
  if (!dryRun) {
    const result = spawnSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", "secret", "list", "-c", fn.config, "--format", "json", ...envArgs], {
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    let listed: unknown = [];
    try {
      listed = JSON.parse(result.stdout);
    } catch {
      // a Worker that does not exist yet has no secrets: every required one is missing
    }
    const missing = missingSecrets(fn.requiredSecrets, listed);
    if (missing.length > 0) throw new Error(`${fn.name}: secret ${missing.join(", ")} not set — run: npx wrangler secret put ${missing[0]} -c ${fn.config}`);
    secrets = (listed as Array<{ name: string }>).map((entry) => entry.name);
  }
  const schema = await schemaOf(process.cwd(), fn);
  if (!schema) return;
  const vars = varsOf(fn.config, values.env);
  const problems = configProblems(fn.name, schema, vars, secrets).filter((line) => !dryRun || !line.endsWith("(not set)"));
  if (problems.length > 0) throw new Error(problems.join("; "));
  console.log(`   ${fn.name}: settings ok${dryRun ? " ([vars] only; secrets are listed at deploy)" : ""}`);
}

async function main(): Promise<number> {
  if (!dryRun) {
    const missing = ["CLOUDFLARE_API_TOKEN", "DATABASE_URL"].filter((name) => !process.env[name]);
    if (missing.length > 0) {
      console.error(`set ${missing.join(" and ")} first (see docs/deploy.md), or run with --dry-run to see the plan`);
      return 2;
    }
  }
  const envArgs = values.env ? ["--env", values.env] : [];
  try {
    // Before anything is created: a function that would start misconfigured stops the deploy here.
    console.log("1. settings");
    for (const fn of FUNCTIONS) await checkSettings(fn, envArgs);

    console.log("2. queues");
    for (const queue of QUEUES) wrangler(["queues", "create", queue], { allowFailure: (out) => /already (exists|taken)/i.test(out) });

    console.log("3. migrations");
    if (dryRun) console.log("[dry run] npm run migrate (DATABASE_URL)");
    else {
      const migrate = spawnSync(process.execPath, ["scripts/migrate.ts"], { stdio: "inherit", env: process.env });
      if (migrate.status !== 0) throw new Error("migrations failed");
    }

    console.log("4. functions");
    for (const fn of FUNCTIONS) wrangler(["deploy", "-c", fn.config, ...envArgs, ...(dryRun ? ["--dry-run"] : [])]);
  } catch (error) {
    console.error(`deploy stopped: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(
    dryRun
      ? "dry run complete: every function bundles; nothing was changed"
      : "deployed: run `npm run smoke -- --url https://<your domain>` to check the chain",
  );
  return 0;
}

process.exitCode = await main();
