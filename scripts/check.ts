// `npm run check`: binding types up to date, every TypeScript program
// type-checks, and the linter is clean. The steps are independent, so they run
// side by side (one per core); each step's output is printed whole when it ends.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { WORKERS } from "./workers.ts";

const steps: Array<[label: string, args: string[]]> = [
  ["binding types", ["scripts/gen-types.ts", "--check"]],
  ["typecheck node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"]],
  ...WORKERS.map((w): [string, string[]] => [`typecheck ${w.name}`, ["node_modules/typescript/bin/tsc", "-p", w.tsconfig]]),
  ["typecheck bench worker", ["node_modules/typescript/bin/tsc", "-p", "infra/bench/tsconfig.json"]],
  ["typecheck fault matrix", ["node_modules/typescript/bin/tsc", "-p", "test/faults/tsconfig.json"]],
  ["lint", ["node_modules/@biomejs/biome/bin/biome", "check", "."]],
];

function run([label, args]: [string, string[]]): Promise<boolean> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" } });
    const output: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("close", (code) => {
      const text = Buffer.concat(output).toString("utf8");
      if (text.trim()) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      console.log(`${code === 0 ? "ok  " : "FAIL"} ${label} (${Date.now() - started} ms)`);
      resolve(code === 0);
    });
  });
}

const queue = [...steps];
let failures = 0;
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(availableParallelism(), steps.length)) }, async () => {
    for (let step = queue.shift(); step; step = queue.shift()) if (!(await run(step))) failures += 1;
  }),
);
process.exit(failures === 0 ? 0 : 1);
