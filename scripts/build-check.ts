// `npm run build:check`: bundles every function exactly as `wrangler deploy`
// would (`--dry-run`, nothing uploaded) and reports each bundle's size, raw and
// gzip. Fails when a function does not build or exceeds the Workers size limit
// (gzip; 3 MiB on the free plan, override with BUNDLE_GZIP_LIMIT_KIB) or its
// own budget (`gzipBudgetKib` in scripts/workers.ts). Runs in CI.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleProblem } from "./lib/bundle-budget.ts";
import { FUNCTIONS } from "./workers.ts";

const limitKib = Number(process.env.BUNDLE_GZIP_LIMIT_KIB ?? 3_072);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
let failed = false;
const rows: Array<{ name: string; raw: number; gzip: number; budget: number | undefined }> = [];

/** Bundles one function as `wrangler deploy --dry-run` does and measures what would be uploaded. */
function build(fn: (typeof FUNCTIONS)[number]): Promise<{ name: string; raw: number; gzip: number } | undefined> {
  const outdir = mkdtempSync(join(tmpdir(), `awoooi-build-${fn.name}-`));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--outdir", outdir, "-c", fn.config], {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => {
      if (code !== 0) {
        console.error(`${fn.name}: build failed\n${output}`);
        rmSync(outdir, { recursive: true, force: true });
        return resolve(undefined);
      }
      // What is uploaded: the bundle and any modules next to it, not source maps.
      const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
      const contents = files.map((f) => readFileSync(join(outdir, f)));
      const raw = contents.reduce((sum, c) => sum + c.length, 0);
      const gzip = contents.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0);
      rmSync(outdir, { recursive: true, force: true });
      resolve({ name: fn.name, raw, gzip });
    });
  });
}

// Independent builds, one per core; the table keeps the functions' order.
const queue = FUNCTIONS.map((fn, index) => ({ fn, index }));
const built: Array<{ name: string; raw: number; gzip: number } | undefined> = [];
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(availableParallelism(), FUNCTIONS.length)) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) built[next.index] = await build(next.fn);
  }),
);
for (const row of built) {
  if (row) rows.push({ ...row, budget: FUNCTIONS.find((fn) => fn.name === row.name)?.gzipBudgetKib });
  else failed = true;
}

console.log(`${"function".padEnd(16)} ${"raw KiB".padStart(9)} ${"gzip KiB".padStart(9)} ${"budget".padStart(7)}`);
for (const row of rows) {
  const problem = bundleProblem(row.gzip / 1024, row.budget, limitKib);
  if (problem) failed = true;
  console.log(`${row.name.padEnd(16)} ${kib(row.raw).padStart(9)} ${kib(row.gzip).padStart(9)} ${String(row.budget ?? "—").padStart(7)}${problem}`);
}
if (failed) process.exit(1);
console.log(`all ${rows.length} functions build; every bundle is within its budget and under ${limitKib} KiB gzip`);
