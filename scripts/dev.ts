// `npm run dev`: the whole bundle on one local base URL with real Redis,
// Postgres and local queues, on documented dev defaults.
//   PORT (default 8787) and any variable in scripts/lib/dev-defaults.ts can be overridden from the shell.
import { join } from "node:path";
import { MissingServiceError } from "../infra/local/backing-services.ts";
import { sampleAlertmanagerBody } from "./lib/dev-defaults.ts";
import { ROOT, startStack } from "./lib/stack.ts";

const port = Number(process.env.PORT ?? 8787);
const quiet = /^(getaddrinfo ENOTFOUND|\s+at |Error: getaddrinfo)/;

console.log("Starting AWOOOI Edge locally…");
try {
  const stack = await startStack({
    port,
    purpose: "dev",
    persistTo: join(ROOT, ".wrangler/state"),
    ollamaUrl: process.env.OLLAMA_URL,
    executorKubectl: process.env.EXECUTOR_KUBECTL,
    log: (line) => console.log(`  ${line}`),
    // Offline telemetry/update-check failures are noise; everything else is shown.
    onOutput: (line) => {
      if (!quiet.test(line) && line.trim() !== "") console.log(line);
    },
  });
  const body = JSON.stringify(sampleAlertmanagerBody());
  const approvers = (JSON.parse(stack.vars.APPROVERS ?? "[]") as Array<{ id: string }>).map((a) => a.id).join(", ");
  const llm = [stack.vars.OLLAMA_RELAY_URL ? "ollama (relay)" : undefined, stack.vars.ANTHROPIC_API_KEY ? "anthropic" : undefined].filter(Boolean);
  const chain = llm.length > 0 ? [...llm, "rules"].join(" → ") : "rules only (set OLLAMA_URL or ANTHROPIC_API_KEY for LLM analysis; docs/analyze.md)";
  console.log(`
AWOOOI Edge is running at ${stack.baseUrl}

  webhook-receive  POST ${stack.baseUrl}/api/v1/webhooks/alertmanager   (Bearer ${stack.vars.WEBHOOK_TOKEN})
  dev inbox        GET  ${stack.baseUrl}/dev/inbox
  ops API          GET  ${stack.baseUrl}/api/v1/incidents  ·  /api/v1/approvals  ·  /api/v1/stats/overview   (Bearer ${stack.vars.OPS_TOKEN})
  status page      ${stack.baseUrl}/status   (any user, password ${stack.vars.OPS_TOKEN})
  metrics · API    ${stack.baseUrl}/metrics  ·  ${stack.baseUrl}/docs
  smoke test       npm run smoke -- --url ${stack.baseUrl}   (the cron also runs one every 5 minutes)
  approvers        ${approvers}
  analysis         ${chain}
  executor         ${stack.vars.EXECUTOR_URL ? `${stack.vars.EXECUTOR_URL} (${stack.vars.EXECUTOR_DRY_RUN === "false" ? "real runs" : "dry runs; EXECUTOR_DRY_RUN=false for real runs"})` : "none: approved actions are run by hand (set EXECUTOR_KUBECTL; docs/executor.md)"}
  automatic in     ${stack.vars.AUTO_APPROVE_NAMESPACES || "no namespace (set AUTO_APPROVE_NAMESPACES; docs/trust.md)"}

Send a sample Alertmanager alert:

curl -sS -X POST ${stack.baseUrl}/api/v1/webhooks/alertmanager \\
  -H 'Authorization: Bearer ${stack.vars.WEBHOOK_TOKEN}' -H 'Content-Type: application/json' \\
  -d '${body}'

then open ${stack.baseUrl}/dev/inbox and click an approver's link. Ctrl-C stops everything.
`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
} catch (error) {
  if (error instanceof MissingServiceError) {
    console.error(error.message);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
