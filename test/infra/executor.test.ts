import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { ActionPlan, type RemediationAction } from "../../shared/contracts/action.ts";
import { type ExecutionRequest, ExecutionResult } from "../../shared/contracts/execution.ts";
import { actionDigest, renderAction } from "../../shared/domain/action.ts";
import { SIGNATURE_HEADER, signedHeaders, TIMESTAMP_HEADER, verifySignedRequest } from "../../shared/http/signatures.ts";
import { type CallbackCatcher, startCallbackCatcher } from "../support/fakes/callback-catcher.ts";

const ROOT = join(import.meta.dirname, "../..");
const FAKE_KUBECTL = join(ROOT, "test/support/fakes/bin/kubectl");
const SECRET = "executor-test-secret-0123456789";

let catcher: CallbackCatcher;
beforeAll(async () => {
  catcher = await startCallbackCatcher();
});
afterAll(() => catcher?.close());

interface RunningExecutor {
  readonly url: string;
  readonly process: ChildProcess;
  readonly logs: string[];
  readonly kubectlLog: string;
  readonly dir: string;
}

const running: RunningExecutor[] = [];
afterEach(() => {
  for (const executor of running.splice(0)) executor.process.kill("SIGKILL");
});

/** The real executor as a process, with the fake kubectl; `dir` keeps its journal across restarts. */
async function startExecutor(options: { dir?: string; state?: Record<string, unknown>; env?: Record<string, string> } = {}): Promise<RunningExecutor> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "awoooi-executor-"));
  const kubectlLog = join(dir, "kubectl.log");
  const statePath = join(dir, "kubectl-state.json");
  writeFileSync(statePath, JSON.stringify(options.state ?? {}));
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "infra/executor/src/main.ts")], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      EXECUTOR_SECRET: SECRET,
      EXECUTOR_KUBECTL: FAKE_KUBECTL,
      EXECUTOR_NAMESPACES: "web-staging,shop",
      EXECUTOR_JOURNAL: join(dir, "journal.jsonl"),
      EXECUTOR_CALLBACK_BACKOFF_MS: "20",
      EXECUTOR_DRAIN_SECONDS: "30",
      FAKE_KUBECTL_LOG: kubectlLog,
      FAKE_KUBECTL_STATE: statePath,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      logs.push(...chunk.toString().split("\n").filter(Boolean));
      if (logs.some((line) => line.includes('"listening"'))) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    child.on("exit", (code) => reject(new Error(`executor exited with ${code}: ${logs.join("\n")}`)));
  });
  const executor = { url: `http://127.0.0.1:${port}`, process: child, logs, kubectlLog, dir };
  running.push(executor);
  return executor;
}

const kubectlCalls = (executor: RunningExecutor): string[][] => {
  try {
    return readFileSync(executor.kubectlLog, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  } catch {
    return [];
  }
};

const POD: RemediationAction = { version: 1, operation: "DELETE_POD", target: { kind: "pod", name: "web-7d4b8c9f5-xk2m3", namespace: "web-staging" } };

async function rendered(action: RemediationAction) {
  const { argv, display } = renderAction(action);
  return { action, argv, digest: await actionDigest(argv), command: display };
}

async function post(executor: RunningExecutor, path: string, body: unknown, at = Math.floor(Date.now() / 1000)) {
  const raw = JSON.stringify(body);
  const headers = { "Content-Type": "application/json", ...(await signedHeaders(SECRET, raw, at)) };
  return fetch(`${executor.url}${path}`, { method: "POST", headers, body: raw });
}

async function executionRequest(action: RemediationAction, overrides: Partial<ExecutionRequest> = {}): Promise<ExecutionRequest> {
  return {
    execution_id: crypto.randomUUID(),
    approval_id: crypto.randomUUID(),
    incident_id: crypto.randomUUID(),
    fingerprint: "0123456789abcdef",
    alert_type: "PodRestarting",
    namespace: action.target.namespace,
    target_resource: action.target.name,
    operation: action.operation,
    ...(await rendered(action)),
    correlation_id: "req-1",
    dry_run: false,
    automatic: true,
    approved_by: ["trust-engine"],
    callback_url: catcher.url.replace("/api/v1/analyze/callback", "/api/v1/executions/result"),
    requested_at: new Date().toISOString(),
    ...overrides,
  };
}

/** Waits (by condition, bounded by a generous limit) for the signed result of one execution. */
async function resultOf(executionId: string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = catcher.received.find((r) => r.body.includes(executionId));
    if (found) {
      const authentic = await verifySignedRequest(
        SECRET,
        found.body,
        { timestamp: String(found.headers[TIMESTAMP_HEADER.toLowerCase()]), signature: String(found.headers[SIGNATURE_HEADER.toLowerCase()]) },
        Math.floor(Date.now() / 1000),
      );
      return { authentic, result: ExecutionResult.parse(JSON.parse(found.body)), headers: found.headers };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no result for ${executionId}`);
}

describe("the reference executor: plans", () => {
  it("answers a signed plan with live facts and a server dry run, signed back", async () => {
    const executor = await startExecutor();
    const body = await rendered(POD);
    const response = await post(executor, "/v1/plan", { request_id: crypto.randomUUID(), action: body.action, argv: body.argv, digest: body.digest });
    expect(response.status).toBe(200);
    const text = await response.text();
    const signed = await verifySignedRequest(
      SECRET,
      text,
      { timestamp: response.headers.get(TIMESTAMP_HEADER) ?? undefined, signature: response.headers.get(SIGNATURE_HEADER) ?? undefined },
      Math.floor(Date.now() / 1000),
    );
    expect(signed).toBe(true);
    const plan = ActionPlan.parse(JSON.parse(text));
    expect(plan).toMatchObject({
      digest: body.digest,
      facts: { ready_replicas: 3, desired_replicas: 3, target_ready: true },
      dry_run: { ok: true, exit_code: 0 },
    });
    expect(plan.dry_run.output).toContain("server dry run");
    expect(kubectlCalls(executor)).toContainEqual(["delete", "pod", "web-7d4b8c9f5-xk2m3", "-n", "web-staging", "--wait=false", "--dry-run=server"]);
  });

  it("reads the rollback target's age from the deployment's ReplicaSets", async () => {
    const executor = await startExecutor();
    const action: RemediationAction = {
      version: 1,
      operation: "ROLLBACK_DEPLOYMENT",
      target: { kind: "deployment", name: "web", namespace: "shop" },
      params: { to_revision: null },
    };
    const body = await rendered(action);
    const plan = ActionPlan.parse(
      await (await post(executor, "/v1/plan", { request_id: crypto.randomUUID(), action, argv: body.argv, digest: body.digest })).json(),
    );
    expect(plan.facts).toMatchObject({ current_revision: 4, rollback_revision: 3 });
    expect(Date.now() - Date.parse(plan.facts.rollback_revision_created_at!)).toBeLessThan(2 * 3_600_000);
  });

  it("names a failed read and a failed dry run instead of failing", async () => {
    const executor = await startExecutor();
    const action: RemediationAction = { version: 1, operation: "RESTART_DEPLOYMENT", target: { kind: "deployment", name: "missing-app", namespace: "shop" } };
    const body = await rendered(action);
    const plan = ActionPlan.parse(
      await (await post(executor, "/v1/plan", { request_id: crypto.randomUUID(), action, argv: body.argv, digest: body.digest })).json(),
    );
    expect(plan.dry_run.ok).toBe(false);
    expect(plan.errors.join(" ")).toContain("NotFound");
  });

  it.each([
    ["no signature", async (e: RunningExecutor, body: unknown) => fetch(`${e.url}/v1/plan`, { method: "POST", body: JSON.stringify(body) }), 401],
    ["a stale timestamp", (e: RunningExecutor, body: unknown) => post(e, "/v1/plan", body, Math.floor(Date.now() / 1000) - 3_600), 401],
  ])("refuses a plan request with %s", async (_case, send, status) => {
    const executor = await startExecutor();
    const body = await rendered(POD);
    expect((await send(executor, { request_id: crypto.randomUUID(), action: body.action, argv: body.argv, digest: body.digest })).status).toBe(status);
    expect(kubectlCalls(executor)).toEqual([]);
  });

  it("plans the same action twice in one second (distinct requests are not replays)", async () => {
    const executor = await startExecutor();
    const body = await rendered(POD);
    const at = Math.floor(Date.now() / 1000);
    const plan = () => post(executor, "/v1/plan", { request_id: crypto.randomUUID(), action: body.action, argv: body.argv, digest: body.digest }, at);
    expect((await Promise.all([plan(), plan()])).map((r) => r.status)).toEqual([200, 200]);
  });

  it("refuses an exact replay of a signed request", async () => {
    const executor = await startExecutor();
    const body = await rendered(POD);
    const raw = JSON.stringify({ request_id: crypto.randomUUID(), action: body.action, argv: body.argv, digest: body.digest });
    const headers = { "Content-Type": "application/json", ...(await signedHeaders(SECRET, raw, Math.floor(Date.now() / 1000))) };
    expect((await fetch(`${executor.url}/v1/plan`, { method: "POST", headers, body: raw })).status).toBe(200);
    expect((await fetch(`${executor.url}/v1/plan`, { method: "POST", headers, body: raw })).status).toBe(409);
  });
});

describe("the reference executor: executions", () => {
  it("runs an approved action with argv only, after its server dry run, and reports a signed result naming the execution", async () => {
    const executor = await startExecutor();
    const request = await executionRequest(POD);
    const response = await post(executor, "/v1/executions", request);
    expect(response.status).toBe(202);
    const { authentic, result, headers } = await resultOf(request.execution_id);
    expect(authentic).toBe(true);
    expect(headers["x-correlation-id"]).toBe("req-1");
    expect(result).toMatchObject({ execution_id: request.execution_id, status: "succeeded", digest: request.digest, plan: { dry_run: { ok: true } } });
    const calls = kubectlCalls(executor);
    expect(calls).toContainEqual([...request.argv.slice(1), "--dry-run=server"]);
    expect(calls).toContainEqual(request.argv.slice(1));
    expect(calls.findIndex((c) => c.includes("--dry-run=server") && c[0] === "delete")).toBeLessThan(
      calls.findIndex((c) => !c.includes("--dry-run=server") && c[0] === "delete"),
    );
  });

  it("runs only the dry run for a dry-run request", async () => {
    const executor = await startExecutor();
    const request = await executionRequest(POD, { dry_run: true });
    await post(executor, "/v1/executions", request);
    expect((await resultOf(request.execution_id)).result.status).toBe("succeeded");
    expect(kubectlCalls(executor).filter((c) => c[0] === "delete")).toEqual([[...request.argv.slice(1), "--dry-run=server"]]);
  });

  it("never runs the real command when the server dry run fails", async () => {
    const executor = await startExecutor({ state: { fail: "--dry-run=server" } });
    const request = await executionRequest(POD);
    await post(executor, "/v1/executions", request);
    const { result } = await resultOf(request.execution_id);
    expect(result.status).toBe("failed");
    expect(result.output_excerpt).toContain("server dry run failed");
    expect(kubectlCalls(executor).filter((c) => c[0] === "delete" && !c.includes("--dry-run=server"))).toEqual([]);
  });

  it("runs an execution id once, even across a restart (the journal)", async () => {
    const first = await startExecutor();
    const request = await executionRequest(POD);
    const now = Math.floor(Date.now() / 1000);
    expect((await post(first, "/v1/executions", request, now - 10)).status).toBe(202);
    await resultOf(request.execution_id);
    // A retry is signed afresh (an exact replay of the same signed bytes is refused outright).
    const again = await post(first, "/v1/executions", request, now);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ repeat: true, status: "succeeded" });
    first.process.kill("SIGKILL");

    const second = await startExecutor({ dir: first.dir });
    expect(await (await post(second, "/v1/executions", request)).json()).toMatchObject({ repeat: true });
    expect(kubectlCalls(second).filter((c) => c[0] === "delete" && !c.includes("--dry-run=server"))).toHaveLength(1);
  });

  it.each([
    ["an argv that is not the action's rendering", async (r: ExecutionRequest) => ({ ...r, argv: ["kubectl", "delete", "namespace", "web-staging"] })],
    ["a digest that is not the argv's", async (r: ExecutionRequest) => ({ ...r, digest: "0".repeat(64) })],
    [
      "a namespace outside EXECUTOR_NAMESPACES",
      async () => executionRequest({ version: 1, operation: "DELETE_POD", target: { kind: "pod", name: "db-0", namespace: "production" } }),
    ],
  ])("refuses %s and runs nothing", async (_case, tamper) => {
    const executor = await startExecutor();
    const response = await post(executor, "/v1/executions", await tamper(await executionRequest(POD)));
    expect(response.status).toBe(422);
    expect(kubectlCalls(executor)).toEqual([]);
  });

  it("drains on SIGTERM: a running execution finishes and reports before the process exits", async () => {
    const executor = await startExecutor({ state: { slow: { pattern: "^delete pod [^ ]+ -n web-staging --wait=false$", ms: 1_500 } } });
    const request = await executionRequest(POD);
    expect((await post(executor, "/v1/executions", request)).status).toBe(202);
    // Wait until the real run has started (it is the slow one), then stop the process.
    const deadline = Date.now() + 20_000;
    while (!kubectlCalls(executor).some((c) => c[0] === "delete" && !c.includes("--dry-run=server")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const exited = new Promise<number | null>((resolve) => executor.process.on("exit", resolve));
    executor.process.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect((await resultOf(request.execution_id)).result.status).toBe("succeeded");
    expect(executor.logs.some((line) => line.includes('"draining"'))).toBe(true);
  });
});
