// `npm run relay:build` / `npm run executor:build`: bundles a Node service
// that runs on the operator's side (the Ollama relay, the executor) with the
// shared contracts it uses into one file, runnable with plain Node ≥ 20 and no
// node_modules — what their Dockerfiles and systemd units run.
import { build } from "esbuild";

const SERVICES = {
  relay: { entry: "infra/ollama-relay/src/main.ts", out: "infra/ollama-relay/dist/relay.mjs" },
  executor: { entry: "infra/executor/src/main.ts", out: "infra/executor/dist/executor.mjs" },
} as const;

const name = process.argv[2] as keyof typeof SERVICES | undefined;
const service = name ? SERVICES[name] : undefined;
if (!service) {
  console.error(`usage: build-service.ts ${Object.keys(SERVICES).join("|")}`);
  process.exit(2);
}

const result = await build({
  entryPoints: [service.entry],
  outfile: service.out,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  metafile: true,
  logLevel: "warning",
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`${service.out} (${(bytes / 1024).toFixed(0)} KiB)`);
