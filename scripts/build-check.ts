// `npm run build:check`: bundles every function exactly as `wrangler deploy`
// would (`--dry-run`, nothing uploaded) and reports each bundle's size, raw and
// gzip. Fails when a function does not build or exceeds the Workers size limit
// (gzip; 3 MiB on the free plan, override with BUNDLE_GZIP_LIMIT_KIB). Runs in CI.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { FUNCTIONS } from "./workers.ts";

const limitKib = Number(process.env.BUNDLE_GZIP_LIMIT_KIB ?? 3_072);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
let failed = false;
const rows: Array<{ name: string; raw: number; gzip: number }> = [];

for (const fn of FUNCTIONS) {
  const outdir = mkdtempSync(join(tmpdir(), `awoooi-build-${fn.name}-`));
  const result = spawnSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--outdir", outdir, "-c", fn.config], {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "" },
  });
  if (result.status !== 0) {
    failed = true;
    console.error(`${fn.name}: build failed\n${result.stdout}${result.stderr}`);
    continue;
  }
  // What is uploaded: the bundle and any modules next to it, not source maps.
  const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const contents = files.map((f) => readFileSync(join(outdir, f)));
  const raw = contents.reduce((sum, c) => sum + c.length, 0);
  const gzip = contents.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0);
  rows.push({ name: fn.name, raw, gzip });
  rmSync(outdir, { recursive: true, force: true });
}

console.log(`${"function".padEnd(16)} ${"raw KiB".padStart(9)} ${"gzip KiB".padStart(9)}`);
for (const row of rows) {
  const over = row.gzip / 1024 > limitKib;
  if (over) failed = true;
  console.log(`${row.name.padEnd(16)} ${kib(row.raw).padStart(9)} ${kib(row.gzip).padStart(9)}${over ? `  over the ${limitKib} KiB limit` : ""}`);
}
if (failed) process.exit(1);
console.log(`all ${rows.length} functions build; every bundle is under ${limitKib} KiB gzip`);
