// The relay's `POST /v1/context` against stand-ins speaking the Kubernetes API
// and the Prometheus HTTP API, through the real client library and kubeconfig.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelayApp } from "../../infra/ollama-relay/src/app.ts";
import { loadRelayConfig } from "../../infra/ollama-relay/src/config.ts";
import { kubernetesAccess } from "../../infra/ollama-relay/src/context/kubernetes.ts";
import { JobRunner } from "../../infra/ollama-relay/src/jobs.ts";
import { relayServices } from "../../infra/ollama-relay/src/services.ts";
import { ClusterContext, type ContextRequest } from "../../shared/contracts/context.ts";
import { signedHeaders } from "../../shared/http/signatures.ts";
import { crashLoopingApp, type FakeKubernetes, startFakeKubernetes } from "../support/fakes/fake-kubernetes.ts";
import { type FakePrometheus, startFakePrometheus } from "../support/fakes/fake-prometheus.ts";

const SECRET = "relay-context-secret-0123456789";
const EXPR = 'rate(kube_pod_container_status_restarts_total{namespace="shop"}[5m]) > 0';
const GENERATOR_URL = `http://prometheus.shop.internal:9090/graph?g0.expr=${encodeURIComponent(EXPR).replaceAll("%20", "+")}&g0.tab=1`;
const DEPLOYED_AT = new Date(Date.now() - 3 * 3_600_000);

let cluster: FakeKubernetes;
let prometheus: FakePrometheus;

beforeAll(async () => {
  cluster = await startFakeKubernetes();
  prometheus = await startFakePrometheus();
  crashLoopingApp(cluster, { namespace: "shop", deployment: "checkout", pod: "checkout-7d4b8c9f5-x2x9z", revisionCreatedAt: DEPLOYED_AT });
  prometheus.define(EXPR, [
    { labels: { namespace: "shop", pod: "checkout-7d4b8c9f5-x2x9z", container: "api" }, at: (t) => 0.05 + (t % 600) / 6_000 },
    { labels: { namespace: "shop", pod: "checkout-7d4b8c9f5-abcde", container: "api" }, at: () => "NaN" },
  ]);
});
afterAll(async () => {
  await cluster?.close();
  await prometheus?.close();
});

function relay(overrides: Record<string, string> = {}) {
  return relayServices(
    loadRelayConfig({
      OLLAMA_URL: "http://127.0.0.1:9",
      RELAY_HMAC_SECRET: SECRET,
      KUBECONFIG: cluster.kubeconfig,
      PROMETHEUS_URL: prometheus.url,
      ...overrides,
    }),
    () => {},
  ).app;
}

const crashLoop: ContextRequest = {
  incident_id: crypto.randomUUID(),
  namespace: "shop",
  target_resource: "checkout-7d4b8c9f5-x2x9z",
  resource_type: "pod",
  labels: { alertname: "KubePodCrashLooping" },
  generator_url: GENERATOR_URL,
};

async function ask(app: { request: ReturnType<typeof relay>["request"] }, body: unknown, sign = true) {
  const raw = JSON.stringify(body);
  const response = await app.request("/v1/context", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(sign ? await signedHeaders(SECRET, raw, Math.floor(Date.now() / 1000)) : {}) },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe("POST /v1/context", () => {
  it("gathers the pod, its deployment and revision age, recent events and the alert's expression now and over the hour", async () => {
    const { status, body } = await ask(relay(), crashLoop);
    expect(status).toBe(200);
    const context = ClusterContext.parse(body);
    expect(context.pod).toEqual({
      name: "checkout-7d4b8c9f5-x2x9z",
      phase: "Running",
      ready: "0/1",
      restarts: 14,
      waiting_reason: "CrashLoopBackOff",
      last_termination: { reason: "OOMKilled", exit_code: 137, finished_at: "2026-12-01T04:59:00.000Z" },
    });
    // Found through the pod's ReplicaSet: the alert named only the pod.
    expect(context.deployment).toMatchObject({ name: "checkout", desired: 3, ready: 2, available: 2, updated: 3, revision: "7" });
    expect(context.deployment?.revision_age_seconds).toBeGreaterThanOrEqual(3 * 3_600);
    expect(context.deployment?.revision_age_seconds).toBeLessThan(4 * 3_600);
    expect(context.events?.map((e) => `${e.object} ${e.reason}`)).toEqual(["Pod/checkout-7d4b8c9f5-x2x9z BackOff", "Deployment/checkout ScalingReplicaSet"]);
    expect(context.metrics?.query).toBe(EXPR);
    const [crashing, silent] = context.metrics!.series;
    expect(crashing).toMatchObject({ labels: { pod: "checkout-7d4b8c9f5-x2x9z" }, now: expect.any(Number), samples: 61 });
    expect(crashing!.min!).toBeLessThanOrEqual(crashing!.max!);
    // "NaN" samples cannot travel as JSON numbers: null, not a failed gathering.
    expect(silent).toMatchObject({ now: null, min: null, max: null });
    expect(context.missing).toEqual([]);
    // The events were asked for by field selector, as the API server accepts them.
    expect(cluster.requests).toContain("GET /api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3Dcheckout-7d4b8c9f5-x2x9z&limit=50");
    expect(prometheus.queries.map((q) => q.path)).toEqual(expect.arrayContaining(["/api/v1/query", "/api/v1/query_range"]));
  });

  it("takes a deployment named only as the target when no pod of that name exists", async () => {
    const { body } = await ask(relay(), { ...crashLoop, target_resource: "checkout", resource_type: undefined, generator_url: undefined });
    expect(body.deployment).toMatchObject({ name: "checkout", revision: "7" });
    expect(body.pod).toBeUndefined();
    expect(body.missing).toEqual([{ part: "metrics", reason: expect.stringContaining("no PromQL expression") }]);
  });

  it("refuses an unsigned or wrongly signed request, and a malformed one naming the field", async () => {
    expect((await ask(relay(), crashLoop, false)).status).toBe(401);
    const raw = JSON.stringify(crashLoop);
    const forged = await relay().request("/v1/context", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(await signedHeaders("another-secret-0123456789", raw, Math.floor(Date.now() / 1000))) },
      body: raw,
    });
    expect(forged.status).toBe(401);
    const malformed = await ask(relay(), { ...crashLoop, incident_id: "not-a-uuid" });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: "invalid_body", message: expect.stringContaining("incident_id") } } });
  });

  it("without Kubernetes access still answers, with the metrics and the reason", async () => {
    const config = loadRelayConfig({ OLLAMA_URL: "http://127.0.0.1:9", RELAY_HMAC_SECRET: SECRET, PROMETHEUS_URL: prometheus.url });
    const app = createRelayApp(config, new JobRunner(config, () => {}), {
      kube: kubernetesAccess({}, mkdtempSync(join(tmpdir(), "awoooi-home-"))),
      prometheusUrl: config.PROMETHEUS_URL,
      budgetMs: config.RELAY_CONTEXT_BUDGET_MS,
      maxBytes: config.RELAY_CONTEXT_MAX_BYTES,
    });
    const { status, body } = await ask(app, crashLoop);
    expect(status).toBe(200);
    expect(body.pod).toBeUndefined();
    expect(body.missing).toEqual([{ part: "pod", reason: "the relay has no Kubernetes access (no kubeconfig, not in a cluster)" }]);
    expect(body.metrics.series.length).toBe(2);
  });

  it("a kubeconfig in KUBECONFIG is found before ~/.kube/config, and a home config without KUBECONFIG", () => {
    const home = mkdtempSync(join(tmpdir(), "awoooi-home-"));
    mkdirSync(join(home, ".kube"));
    writeFileSync(
      join(home, ".kube", "config"),
      "apiVersion: v1\nkind: Config\nclusters:\n- name: home\n  cluster:\n    server: http://127.0.0.1:1\ncontexts:\n- name: home\n  context:\n    cluster: home\n    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: home\n",
    );
    expect(kubernetesAccess({ KUBECONFIG: cluster.kubeconfig }, home)?.getCurrentCluster()?.server).toBe(cluster.url);
    expect(kubernetesAccess({}, home)?.getCurrentCluster()?.server).toBe("http://127.0.0.1:1");
  });

  it("names a refusal by RBAC instead of failing", async () => {
    cluster.forbid(true);
    try {
      const { status, body } = await ask(relay(), crashLoop);
      expect(status).toBe(200);
      expect(body.pod).toBeUndefined();
      expect(body.missing).toContainEqual({ part: "pod", reason: "pod checkout-7d4b8c9f5-x2x9z: no access (HTTP 403)" });
      expect(body.metrics.series.length).toBe(2);
    } finally {
      cluster.forbid(false);
    }
  });

  it("answers within its budget when the cluster hangs, naming what timed out", async () => {
    cluster.delay(30_000);
    try {
      const started = Date.now();
      const { status, body } = await ask(relay({ RELAY_CONTEXT_BUDGET_MS: "300" }), crashLoop);
      expect(status).toBe(200);
      // Far below the stand-in's delay: the budget, not the cluster, ended it.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(body.missing).toContainEqual({ part: "pod", reason: "Kubernetes did not answer within 300 ms" });
      expect(body.metrics.series.length).toBe(2);
    } finally {
      cluster.delay(0);
    }
  });

  it("passes on Prometheus's own error and keeps what Kubernetes said", async () => {
    const url = `http://prom/graph?g0.expr=${encodeURIComponent("sum(rate(nope[5m]")}`;
    const { body } = await ask(relay(), { ...crashLoop, generator_url: url });
    expect(body.pod.restarts).toBe(14);
    expect(body.missing).toEqual([{ part: "metrics", reason: expect.stringMatching(/^Prometheus bad_data: invalid parameter "query"/) }]);
  });

  it("never puts a name that is not a Kubernetes name into a request", async () => {
    const before = cluster.requests.length;
    const { body } = await ask(relay(), { ...crashLoop, target_resource: "../../secrets/x", namespace: "shop" });
    expect(cluster.requests.slice(before).some((r) => r.includes("secrets"))).toBe(false);
    expect(body.pod).toBeUndefined();
  });

  it("cuts a context to RELAY_CONTEXT_MAX_BYTES and says so", async () => {
    for (let i = 0; i < 40; i++) {
      cluster.put("events", {
        metadata: { name: `noise-${i}`, namespace: "shop" },
        involvedObject: { kind: "Pod", name: "checkout-7d4b8c9f5-x2x9z", namespace: "shop" },
        type: "Warning",
        reason: "Unhealthy",
        message: `Readiness probe failed: ${"x".repeat(400)}`,
        count: 3,
        lastTimestamp: new Date(Date.now() - i * 1_000).toISOString(),
      });
    }
    const { body } = await ask(relay({ RELAY_CONTEXT_MAX_BYTES: "2048" }), crashLoop);
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThanOrEqual(2048);
    expect(body.missing).toContainEqual({ part: "events", reason: "cut to fit 2048 bytes" });
    expect(body.pod.restarts).toBe(14);
  });
});
