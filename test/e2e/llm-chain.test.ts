// With OLLAMA_URL set, the stack starts the relay; an alert then gets its
// verdict from Ollama through relay → signed callback → gateway → analyze.
// With EXECUTOR_KUBECTL set it also starts the reference executor (a real
// process, running the fake kubectl): a low-risk fix then runs by itself.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { FAKE_KUBECTL } from "../support/fakes/executor-for-tests.ts";
import { crashLoopingApp, type FakeKubernetes, startFakeKubernetes } from "../support/fakes/fake-kubernetes.ts";
import { type FakeOllama, startFakeOllama } from "../support/fakes/fake-ollama.ts";
import { type FakePrometheus, startFakePrometheus } from "../support/fakes/fake-prometheus.ts";
import { TEST_CLUSTER, TEST_GENERATOR_URL } from "../support/fixtures/cluster.ts";

let stack: Stack;
let ollama: FakeOllama;
let persistTo: string;
let cluster: FakeKubernetes;
let prometheus: FakePrometheus;
const kubectlLog = join(mkdtempSync(join(tmpdir(), "awoooi-e2e-kubectl-")), "kubectl.log");

beforeAll(async () => {
  ollama = await startFakeOllama();
  cluster = await startFakeKubernetes();
  crashLoopingApp(cluster, { ...TEST_CLUSTER, revisionCreatedAt: new Date(Date.now() - 3 * 3_600_000) });
  prometheus = await startFakePrometheus();
  prometheus.define(TEST_CLUSTER.expr, [{ labels: { namespace: TEST_CLUSTER.namespace, pod: TEST_CLUSTER.pod }, at: () => 0.2 }]);
  persistTo = mkdtempSync(join(tmpdir(), "awoooi-e2e-llm-"));
  stack = await startStack({
    port: await freePort(),
    purpose: "test",
    redisDb: 5,
    persistTo,
    ollamaUrl: ollama.url,
    relayEnv: { KUBECONFIG: cluster.kubeconfig, PROMETHEUS_URL: prometheus.url },
    executorKubectl: FAKE_KUBECTL,
    executorEnv: { FAKE_KUBECTL_LOG: kubectlLog },
    vars: { AUTO_APPROVE_NAMESPACES: "web-staging", EXECUTOR_DRY_RUN: "false" },
  });
});

const ops = async (path: string) =>
  (await (await fetch(`${stack.baseUrl}${path}`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } })).json()) as any;

async function sendAlert(alertType: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/alerts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ alert_type: alertType, severity: "warning", source: "e2e", message: "pod keeps restarting", ...extra }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { results: Array<{ incident_id: string }> }).results[0]!.incident_id;
}

/** What the executor received, from its own journal (the hand-off bodies, verbatim). */
const handOffs = (): Array<Record<string, unknown>> => {
  try {
    return readFileSync(join(persistTo, "executor-journal.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.kind === "accepted")
      .map((entry) => entry.request);
  } catch {
    return [];
  }
};
afterAll(async () => {
  await stack?.stop();
  await ollama?.close();
  await cluster?.close();
  await prometheus?.close();
});

describe("analysis through the Ollama relay", () => {
  it("takes the verdict from Ollama and shows the providers tried", async () => {
    const alertname = `LLMTest-ok-${crypto.randomUUID().slice(0, 8)}`;
    const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/alerts`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        alert_type: alertname,
        severity: "warning",
        source: "e2e",
        namespace: "production",
        target_resource: "api",
        message: "readiness failing",
      }),
    });
    expect(response.status).toBe(202);
    const { results } = (await response.json()) as { results: Array<{ incident_id: string }> };
    const read = async () =>
      (await (
        await fetch(`${stack.baseUrl}/api/v1/incidents/${results[0]!.incident_id}`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } })
      ).json()) as any;
    await expect.poll(async () => (await read()).approval_id, { timeout: 30_000, interval: 250 }).toBeTruthy();
    const incident = await read();
    expect(incident.rca).toMatchObject({ provider: "ollama", model: "llama3.2", suggested_action: { operation: "RESTART_DEPLOYMENT" } });
    expect(incident.analysis.providers_tried.map((a: { provider: string; outcome: string }) => `${a.provider}:${a.outcome}`)).toEqual([
      "ollama:submitted",
      "ollama:verdict",
    ]);
    expect(ollama.requests.some((r) => JSON.stringify(r.body).includes(alertname))).toBe(true);
  });
});

/** Waits for the incident's approval; when it does not come, says where the incident stands (within the test's own timeout). */
async function untilApproval(incidentId: string): Promise<void> {
  const deadline = Date.now() + 50_000;
  while (Date.now() < deadline) {
    if ((await ops(`/api/v1/incidents/${incidentId}`)).approval_id) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const incident = await ops(`/api/v1/incidents/${incidentId}`);
  throw new Error(`no approval after 50 s: ${JSON.stringify({ status: incident.status, analysis: incident.analysis, triage: incident.triage })}`);
}

describe("the trust loop with the reference executor", () => {
  it("runs a low-risk fix by itself — the alert's own pod, never the text's namespace deletion — learns from it, and counts it in the autonomy index", async () => {
    const before = (await ops("/api/v1/stats/autonomy")).last_24h.auto_resolved as number;
    const incidentId = await sendAlert(`LLMTest-podfix-${crypto.randomUUID().slice(0, 8)}`, {
      namespace: "web-staging",
      target_resource: "web-7d4b8c9f5-k2x9q",
      resource_type: "pod",
    });
    await untilApproval(incidentId);
    const { approval_id: approvalId, fingerprint } = await ops(`/api/v1/incidents/${incidentId}`);
    await expect.poll(async () => (await ops(`/api/v1/approvals/${approvalId}`)).execution?.status, { timeout: 60_000, interval: 250 }).toBe("succeeded");
    const approval = await ops(`/api/v1/approvals/${approvalId}`);
    expect(approval).toMatchObject({ status: "EXECUTED", auto_approved: true, execution: { automatic: true, dry_run: false, reported_by: "executor" } });
    expect(approval.action.plan.dry_run.ok).toBe(true);

    const request = handOffs().find((h) => h.incident_id === incidentId)!;
    expect(request).toMatchObject({
      argv: ["kubectl", "delete", "pod", "web-7d4b8c9f5-k2x9q", "-n", "web-staging", "--wait=false"],
      digest: approval.action.digest,
      action: { operation: "DELETE_POD", target: { kind: "pod", name: "web-7d4b8c9f5-k2x9q", namespace: "web-staging" } },
    });
    expect(JSON.stringify(request)).not.toContain("delete namespace");
    const calls = readFileSync(kubectlLog, "utf8").split("\n").filter(Boolean);
    expect(calls).toContain(JSON.stringify(["delete", "pod", "web-7d4b8c9f5-k2x9q", "-n", "web-staging", "--wait=false"]));
    expect(calls.some((line) => line.includes("namespace") && line.includes('"delete","namespace"'))).toBe(false);

    // Learned, and the first non-zero autonomy index.
    expect((await ops(`/api/v1/learning/summary/${fingerprint}`)).total_samples).toBe(1);
    const autonomy = await ops("/api/v1/stats/autonomy");
    expect(autonomy.last_24h.auto_resolved).toBeGreaterThanOrEqual(before + 1);
    expect(autonomy.last_24h.autonomy_index).toBeGreaterThan(0);
  });

  it("never hands a scale with two --replicas values to the executor", async () => {
    const incidentId = await sendAlert(`LLMTest-scalefix-${crypto.randomUUID().slice(0, 8)}`, {
      namespace: "web-staging",
      target_resource: "web",
      resource_type: "deployment",
    });
    await untilApproval(incidentId);
    const approval = await ops(`/api/v1/approvals/${(await ops(`/api/v1/incidents/${incidentId}`)).approval_id}`);
    expect(approval).toMatchObject({ status: "PENDING", auto_approved: false, action: { typed: null, argv: null } });
    expect(approval.reasons.join(" ")).toContain("ambiguous");
    expect(handOffs().filter((h) => h.incident_id === incidentId)).toEqual([]);
    expect(handOffs().flatMap((h) => h.argv as string[])).not.toContain("--replicas=500");
  });
});

describe("the learned fix reaches the model (issue #17 acceptance)", () => {
  interface InboxMessage {
    incident_id: string;
    kind: string;
    links: { approver: string; url: string }[];
  }
  const alertType = `LLMTest-ok-learned-${crypto.randomUUID().slice(0, 8)}`;
  const alert = { namespace: "web-staging", target_resource: "web", resource_type: "deployment" };
  const promptsAbout = () => ollama.requests.filter((r) => JSON.stringify(r.body).includes(alertType)).map((r) => JSON.stringify(r.body.messages));

  /** One round: the alert, its approval signed through the link a person gets, the fix run by the executor, the alert resolved. */
  async function fixedOnce(): Promise<void> {
    const incidentId = await sendAlert(alertType, alert);
    await untilApproval(incidentId);
    const { approval_id: approvalId } = await ops(`/api/v1/incidents/${incidentId}`);
    let links: InboxMessage["links"] = [];
    await expect
      .poll(
        async () => {
          const { messages } = (await (await fetch(`${stack.baseUrl}/dev/inbox?limit=500`)).json()) as { messages: InboxMessage[] };
          links = messages.find((m) => m.incident_id === incidentId && m.kind === "approval_requested")?.links ?? [];
          return links.length;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeGreaterThan(0);
    const link = new URL(links[0]!.url);
    const page = await (await fetch(link)).text();
    const digest = /name="action_digest" value="([0-9a-f]{64})"/.exec(page)?.[1];
    const decided = await fetch(`${link.origin}${link.pathname}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...Object.fromEntries(link.searchParams), decision: "approve", ...(digest ? { action_digest: digest } : {}) }).toString(),
    });
    expect(decided.status).toBe(200);
    await expect.poll(async () => (await ops(`/api/v1/approvals/${approvalId}`)).execution?.status, { timeout: 60_000, interval: 250 }).toBe("succeeded");
    const resolved = await fetch(`${stack.baseUrl}/api/v1/webhooks/alerts`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ alert_type: alertType, severity: "warning", source: "e2e", message: "pod keeps restarting", status: "resolved", ...alert }),
    });
    expect(resolved.status).toBe(202);
    await expect.poll(async () => (await ops(`/api/v1/incidents/${incidentId}`)).status, { timeout: 30_000, interval: 250 }).toBe("resolved");
  }

  it("after five approved fixes that worked, the next analysis's prompt names the operation and its record; the first had none", async () => {
    for (let round = 0; round < 5; round++) await fixedOnce();
    expect(promptsAbout()[0]).not.toContain("Learned from past repairs");
    const incidentId = await sendAlert(alertType, alert);
    await expect.poll(async () => (await ops(`/api/v1/incidents/${incidentId}`)).rca?.provider, { timeout: 30_000, interval: 250 }).toBe("ollama");
    expect(promptsAbout().at(-1)).toContain("Learned from past repairs: RESTART_DEPLOYMENT worked 5 of 5 times for this alert");
    // …and in front of the people deciding: the approval request says so.
    await expect
      .poll(
        async () => {
          const { messages } = (await (await fetch(`${stack.baseUrl}/dev/inbox?limit=500`)).json()) as { messages: Array<InboxMessage & { text: string }> };
          return messages.find((m) => m.incident_id === incidentId && m.kind === "approval_requested")?.text ?? "";
        },
        { timeout: 30_000, interval: 250 },
      )
      .toContain("Learned: RESTART_DEPLOYMENT worked 5 of 5 times for this alert");
  });
});

describe("cluster context from the relay", () => {
  /** The crash-loop alert of the stand-in cluster's pod, analyzed until its verdict; with the prompt Ollama received. */
  async function analyzedCrashLoop() {
    const alertType = `LLMTest-ok-${crypto.randomUUID().slice(0, 8)}`;
    const incidentId = await sendAlert(alertType, {
      namespace: TEST_CLUSTER.namespace,
      target_resource: TEST_CLUSTER.pod,
      resource_type: "pod",
      generator_url: TEST_GENERATOR_URL,
    });
    await expect.poll(async () => (await ops(`/api/v1/incidents/${incidentId}`)).rca?.provider, { timeout: 30_000, interval: 250 }).toBe("ollama");
    const asked = ollama.requests.filter((r) => JSON.stringify(r.body).includes(alertType));
    expect(asked, `Ollama asked about ${alertType}`).toHaveLength(1);
    const prompt = (asked[0]!.body.messages as Array<{ content: string }>).map((m) => m.content).join("\n");
    return { incident: await ops(`/api/v1/incidents/${incidentId}`), prompt };
  }

  it("puts the pod's restart count and last termination reason from the cluster into the prompt, and onto the incident", async () => {
    const { incident, prompt } = await analyzedCrashLoop();
    expect(prompt).toContain(`- Pod ${TEST_CLUSTER.pod}: Running (CrashLoopBackOff), ready 0/1, restarts 14, last terminated OOMKilled (exit 137)`);
    expect(prompt).toContain("revision 7 rolled out 3h ago");
    expect(prompt).toMatch(/now 0\.2; last hour min 0\.2, max 0\.2/);
    expect(incident.analysis.cluster_context).toMatchObject({ pod: { restarts: 14, last_termination: { reason: "OOMKilled" } }, missing: [] });
  });

  // Last in the file: it takes the stand-ins down.
  it("still completes the analysis when Kubernetes and Prometheus are down, naming what could not be read", async () => {
    await cluster.close();
    await prometheus.close();
    const { incident, prompt } = await analyzedCrashLoop();
    expect(prompt).not.toContain("## Cluster Context");
    expect(incident.rca.provider).toBe("ollama");
    expect(incident.analysis.cluster_context.missing.map((m: { part: string }) => m.part)).toEqual(expect.arrayContaining(["pod", "metrics"]));
  });
});
