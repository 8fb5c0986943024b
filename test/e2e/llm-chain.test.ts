// With OLLAMA_URL set, the stack starts the relay; an alert then gets its
// verdict from Ollama through relay → signed callback → gateway → analyze.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { type FakeOllama, startFakeOllama } from "../support/fakes/fake-ollama.ts";

let stack: Stack;
let ollama: FakeOllama;

beforeAll(async () => {
  ollama = await startFakeOllama();
  stack = await startStack({
    port: await freePort(),
    purpose: "test",
    redisDb: 5,
    persistTo: mkdtempSync(join(tmpdir(), "awoooi-e2e-llm-")),
    ollamaUrl: ollama.url,
  });
});
afterAll(async () => {
  await stack?.stop();
  await ollama?.close();
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
