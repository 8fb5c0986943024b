// `npm run smoke -- --url <base>`: sends one synthetic E2E_SMOKE_TEST alert
// through a deployed (or local) bundle's real webhook path and follows it
// through every stage. Prints per-stage latency; exits 0 when it reached
// notify in time, 1 otherwise (naming the stage it stopped at).
import { parseArgs } from "node:util";
import { answerOf, OpsApiError, opsClient } from "../shared/client/index.ts";
import { newSmokeRunId, SMOKE_STAGES, smokeAlert } from "../shared/domain/smoke.ts";
import { DEV_DEFAULTS } from "./lib/dev-defaults.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.AWOOOI_URL ?? "http://127.0.0.1:8787" },
    "webhook-token": { type: "string", default: process.env.WEBHOOK_TOKEN_ALERTS ?? process.env.WEBHOOK_TOKEN ?? DEV_DEFAULTS.WEBHOOK_TOKEN },
    "ops-token": { type: "string", default: process.env.OPS_TOKEN ?? DEV_DEFAULTS.OPS_TOKEN },
    timeout: { type: "string", default: "60" },
  },
});

const base = values.url!.replace(/\/+$/, "");
const timeoutMs = Number(values.timeout) * 1000;
const runId = newSmokeRunId(Date.now(), crypto.randomUUID().replaceAll("-", ""));

const ops = opsClient(base, values["ops-token"]!);
type RunState = Awaited<ReturnType<typeof readRun>>;

async function postAlert(status: "firing" | "resolved"): Promise<Response> {
  return fetch(`${base}/api/v1/webhooks/alerts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${values["webhook-token"]}`, "Content-Type": "application/json" },
    body: JSON.stringify(smokeAlert(runId, status, new Date())),
    signal: AbortSignal.timeout(15_000),
  });
}

/** The run as the ops API reports it; undefined until its first stamp exists. */
async function readRun() {
  try {
    return await answerOf(
      ops.api.v1.smoke[":run"].$get({ param: { run: runId }, query: { deadline_seconds: values.timeout } }, { init: { signal: AbortSignal.timeout(10_000) } }),
    );
  } catch (error) {
    if (error instanceof OpsApiError && error.status === 404) return undefined;
    throw error;
  }
}

function print(run: RunState | undefined): void {
  console.log(`\nsmoke run ${runId} against ${base}`);
  for (const stage of SMOKE_STAGES) {
    const s = run?.stages.find((x) => x.stage === stage);
    const mark = s?.at ? "✓" : "✗";
    const latency = s?.ms_from_previous !== null && s?.ms_from_previous !== undefined ? `+${s.ms_from_previous} ms` : s?.at ? "" : "not reached";
    console.log(`  ${mark} ${stage.padEnd(11)} ${latency}`);
  }
}

async function main(): Promise<number> {
  let sent: Response;
  try {
    sent = await postAlert("firing");
  } catch (error) {
    console.error(`could not reach ${base}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (sent.status !== 202) {
    console.error(`the webhook answered ${sent.status}: ${await sent.text()}`);
    return 1;
  }
  const deadline = Date.now() + timeoutMs;
  let run: RunState | undefined;
  while (Date.now() < deadline) {
    run = await readRun();
    if (run?.state === "passed") break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  print(run);
  // Close the synthetic incident either way, so it does not linger as open.
  await postAlert("resolved").catch(() => undefined);
  if (run?.state === "passed") {
    console.log(`\nPASS: the alert reached notify in ${run.total_ms} ms`);
    return 0;
  }
  const reached = [...(run?.stages ?? [])].reverse().find((s) => s.at)?.stage ?? "none";
  const missing = SMOKE_STAGES.find((stage) => !run?.stages.find((s) => s.stage === stage)?.at) ?? "notified";
  console.log(`\nFAIL: stopped after "${reached}"; "${missing}" not reached within ${values.timeout} s`);
  return 1;
}

process.exitCode = await main();
