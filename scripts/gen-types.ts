// Generates (or with --check, verifies) the binding types of every Worker from
// its wrangler config, plus the shared workerd runtime types.
import { spawnSync } from "node:child_process";
import { WORKERS } from "./workers.ts";

const check = process.argv.includes("--check");
const wrangler = ["node_modules/wrangler/bin/wrangler.js", "types"];
const runs: string[][] = [
  [...wrangler, "--include-env=false", "types/workers-runtime.d.ts"],
  ...WORKERS.map((w) => [...wrangler, "-c", w.config, "--include-runtime=false", `--env-interface=${w.envInterface}`, w.typesFile]),
];
let failed = false;
for (const args of runs) {
  const result = spawnSync(process.execPath, check ? [...args, "--check"] : args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(`${args.slice(2).join(" ")}: ${check ? "out of date — run npm run types" : "failed"}\n${result.stdout}${result.stderr}`);
  }
}
if (failed) process.exit(1);
console.log(check ? "binding types are up to date" : "binding types generated");
