// `npm run check`: binding types up to date, every TypeScript program
// type-checks, and the linter is clean. Exits non-zero on the first failure class.
import { spawnSync } from "node:child_process";
import { WORKERS } from "./workers.ts";

const steps: Array<[label: string, args: string[]]> = [
  ["binding types", ["scripts/gen-types.ts", "--check"]],
  ["typecheck node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"]],
  ...WORKERS.map((w): [string, string[]] => [`typecheck ${w.name}`, ["node_modules/typescript/bin/tsc", "-p", w.tsconfig]]),
  ["typecheck bench worker", ["node_modules/typescript/bin/tsc", "-p", "infra/bench/tsconfig.json"]],
  ["typecheck fault matrix", ["node_modules/typescript/bin/tsc", "-p", "test/faults/tsconfig.json"]],
  ["lint", ["node_modules/@biomejs/biome/bin/biome", "check", "."]],
];

let failures = 0;
for (const [label, args] of steps) {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { stdio: "inherit" });
  const ok = result.status === 0;
  if (!ok) failures += 1;
  console.log(`${ok ? "ok  " : "FAIL"} ${label} (${Date.now() - started} ms)`);
}
process.exit(failures === 0 ? 0 : 1);
