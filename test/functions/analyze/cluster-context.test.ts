// Cluster context reaches the model and the incident: analyze asks the real
// relay (in front of Kubernetes and Prometheus stand-ins) before composing the
// prompt; without the relay, or with it switched off, the analysis goes on
// with no such section.
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/analyze/src/env.ts";
import worker from "../../../functions/analyze/src/index.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import type { AnalyzeQueueMessage, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { TEST_CLUSTER, TEST_GENERATOR_URL } from "../../support/fixtures/cluster.ts";
import { analyzeRequested, recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { anthropicPromptAbout } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

function envWith(vars: Record<string, string>): Env {
  return {
    ...testEnv,
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: testEnv.TEST_FAKE_ANTHROPIC_URL!,
    ANTHROPIC_TIMEOUT_SECONDS: "5",
    // The relay is configured for context; the verdict comes from Anthropic, which shows what it was asked.
    AI_FALLBACK_ORDER: "anthropic,rules",
    OLLAMA_RELAY_URL: testEnv.TEST_RELAY_URL!,
    RELAY_HMAC_SECRET: testEnv.TEST_RELAY_SECRET!,
    ANALYZE_CALLBACK_URL: testEnv.TEST_CALLBACK_CATCHER_URL!,
    CLASSIFY_QUEUE: recordingQueue<ClassifyRequestedV1>(),
    ANALYZE_QUEUE: recordingQueue<AnalyzeQueueMessage>(),
    DEAD_LETTER_QUEUE: recordingQueue(),
    ...vars,
  } as unknown as Env;
}

const crashLooping = (): Partial<NormalizedAlert> => ({
  alert_type: `LLMTest-ok-${crypto.randomUUID().slice(0, 8)}`,
  namespace: TEST_CLUSTER.namespace,
  target_resource: TEST_CLUSTER.pod,
  resource_type: "pod",
  generator_url: TEST_GENERATOR_URL,
});

async function analyze(env: Env, alert: Partial<NormalizedAlert>) {
  const request = analyzeRequested({ alert });
  await deliver(worker, env, "awoooi-analyze", [request]);
  const incident = await createIncidentStore(db).get(request.payload.incident_id);
  return { incident: incident!, prompt: await anthropicPromptAbout(alert.alert_type!) };
}

describe("cluster context in the analysis", () => {
  it("puts the pod, deployment, events and the alert's expression inside the untrusted-data fence, and keeps them on the incident", async () => {
    const { incident, prompt } = await analyze(envWith({}), crashLooping());
    const section = prompt.slice(prompt.indexOf("## Cluster Context"), prompt.indexOf("## Historical Context"));
    expect(section).toContain("<untrusted_alert_data>");
    expect(section.trimEnd().endsWith("</untrusted_alert_data>")).toBe(true);
    expect(section).toContain(`- Pod ${TEST_CLUSTER.pod}: Running (CrashLoopBackOff), ready 0/1, restarts 14, last terminated OOMKilled (exit 137)`);
    expect(section).toContain("- Deployment checkout: 2/3 ready, 2 available, 3 updated, revision 7 rolled out 3h ago");
    expect(section).toContain("Warning BackOff Pod/checkout-7d4b8c9f5-x2x9z ×42: Back-off restarting failed container api");
    expect(section).toContain(`- Alert expression ${TEST_CLUSTER.expr}:`);
    expect(section).toMatch(/now 0\.2; last hour min 0\.2, max 0\.2 \(61 samples\)/);
    expect(incident.clusterContext).toMatchObject({ pod: { restarts: 14 }, deployment: { name: "checkout", revision: "7" }, missing: [] });
    expect(incident.rca?.provider).toBe("anthropic");
  });

  it("asks with only the labels that name objects, so an alert with many large labels still gets its context", async () => {
    const noisy = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`label_${i}`, "v".repeat(900)]));
    const { incident, prompt } = await analyze(envWith({}), { ...crashLooping(), labels: noisy });
    expect(prompt).toContain(`- Pod ${TEST_CLUSTER.pod}: Running (CrashLoopBackOff)`);
    expect(incident.clusterContext?.pod?.restarts).toBe(14);
  });

  it("keeps what could not be read on the incident, and leaves the section out when nothing was", async () => {
    const { incident, prompt } = await analyze(envWith({}), {
      alert_type: `LLMTest-ok-${crypto.randomUUID().slice(0, 8)}`,
      namespace: "shop",
      target_resource: "gone-123",
      resource_type: "pod",
    });
    expect(prompt).not.toContain("## Cluster Context");
    expect(incident.clusterContext?.missing).toEqual(
      expect.arrayContaining([
        { part: "pod", reason: "pod gone-123: not found" },
        { part: "metrics", reason: expect.stringContaining("no PromQL expression") },
      ]),
    );
    expect(incident.rca?.provider).toBe("anthropic");
  });

  it("goes on without context when the relay cannot be reached", async () => {
    const { incident, prompt } = await analyze(envWith({ OLLAMA_RELAY_URL: "http://127.0.0.1:9" }), crashLooping());
    expect(prompt).not.toContain("## Cluster Context");
    expect(incident.clusterContext).toBeUndefined();
    expect(incident.rca?.provider).toBe("anthropic");
  });

  it("does not ask when CLUSTER_CONTEXT_BUDGET_MS is 0", async () => {
    const { incident, prompt } = await analyze(envWith({ CLUSTER_CONTEXT_BUDGET_MS: "0" }), crashLooping());
    expect(prompt).not.toContain("## Cluster Context");
    expect(incident.clusterContext).toBeUndefined();
  });
});
