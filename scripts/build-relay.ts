// `npm run relay:build`: bundles the Ollama relay (and the shared contracts it
// uses) into one file, infra/ollama-relay/dist/relay.mjs, runnable with plain
// Node ≥ 20 and no node_modules — what the Dockerfile and systemd unit run.
import { build } from "esbuild";

const result = await build({
  entryPoints: ["infra/ollama-relay/src/main.ts"],
  outfile: "infra/ollama-relay/dist/relay.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  metafile: true,
  logLevel: "warning",
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`infra/ollama-relay/dist/relay.mjs (${(bytes / 1024).toFixed(0)} KiB)`);
