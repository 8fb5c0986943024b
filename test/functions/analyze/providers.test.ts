// Every way a model can answer ends in exactly one valid classify message,
// from the expected provider. Real `@anthropic-ai/sdk` and the real relay (with
// the real `ollama` client) against local servers that speak their protocols.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../../functions/analyze/src/app.ts";
import type { Env } from "../../../functions/analyze/src/env.ts";
import worker from "../../../functions/analyze/src/index.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { METRICS_KEY } from "../../../shared/adapters/upstash-metrics.ts";
import { RelayCallbackAnswer } from "../../../shared/contracts/ops-api.ts";
import { type AnalyzeContinueV2, type AnalyzeQueueMessage, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { analyzeRequested, recordingQueue } from "../../support/fixtures/messages.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const ANTHROPIC = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: testEnv.TEST_FAKE_ANTHROPIC_URL!, ANTHROPIC_TIMEOUT_SECONDS: "2" };
const GEMINI = { GEMINI_API_KEY: "test-gemini-key", GEMINI_BASE_URL: testEnv.TEST_FAKE_GEMINI_URL!, GEMINI_TIMEOUT_SECONDS: "2" };
const RELAY = {
  OLLAMA_RELAY_URL: testEnv.TEST_RELAY_URL!,
  RELAY_HMAC_SECRET: testEnv.TEST_RELAY_SECRET!,
  ANALYZE_CALLBACK_URL: testEnv.TEST_CALLBACK_CATCHER_URL!,
  OLLAMA_TIMEOUT_SECONDS: "5",
};

function harness(vars: Record<string, string>) {
  const classify = recordingQueue<ClassifyRequestedV1>();
  const self = recordingQueue<AnalyzeQueueMessage>();
  const delays: number[] = [];
  const analyzeQueue = {
    ...self,
    send: async (body: AnalyzeQueueMessage, options?: { delaySeconds?: number }) => {
      delays.push(options?.delaySeconds ?? 0);
      await self.send(body);
    },
  };
  const env = { ...testEnv, ...vars, CLASSIFY_QUEUE: classify, ANALYZE_QUEUE: analyzeQueue, DEAD_LETTER_QUEUE: recordingQueue() } as unknown as Env;
  return {
    env,
    classify,
    continues: () => self.sent.filter((m): m is AnalyzeContinueV2 => m.type === "analyze.continue"),
    delays,
    run: (bodies: unknown[]) => deliver(worker, env, "awoooi-analyze", bodies),
  };
}

const requestFor = (behaviour: string) => analyzeRequested({ alert: { alert_type: `LLMTest-${behaviour}-${crypto.randomUUID().slice(0, 8)}` } });

async function expectOneClassify(classify: { sent: ClassifyRequestedV1[] }, incidentId: string, provider: string) {
  expect(classify.sent).toHaveLength(1);
  const message = ClassifyRequestedV1.parse(classify.sent[0]);
  expect(message.payload.incident_id).toBe(incidentId);
  expect(message.payload.rca.provider).toBe(provider);
  const incident = await createIncidentStore(db).get(incidentId);
  expect(incident?.rca?.provider).toBe(provider);
  expect(incident?.classifySentAt).toBeInstanceOf(Date);
  return incident!;
}

describe("anthropic → rules", () => {
  const vars = { ...ANTHROPIC, AI_FALLBACK_ORDER: "anthropic,rules" };

  it.each([
    ["ok", "anthropic"],
    ["fenced", "anthropic"],
    ["garbage", "rules"],
    ["invalid", "rules"],
    ["badop", "rules"],
    ["error500", "rules"],
    ["hang", "rules"],
  ])("a %s answer ends in one classify message from %s", async (behaviour, provider) => {
    const { classify, run } = harness(vars);
    const request = requestFor(behaviour);
    await run([request]);
    const incident = await expectOneClassify(classify, request.payload.incident_id, provider);
    const anthropic = incident.attempts.find((a) => a.provider === "anthropic");
    expect(anthropic?.outcome).toBe(provider === "anthropic" ? "verdict" : "failed");
    if (provider === "rules") expect(anthropic?.reason).toBeTruthy();
    expect(incident.analysisDurationMs).toBeGreaterThanOrEqual(0);
  });

  it("records why a hanging provider was passed over", async () => {
    const { run } = harness(vars);
    const request = requestFor("hang");
    await run([request]);
    const incident = await createIncidentStore(db).get(request.payload.incident_id);
    expect(incident?.attempts.find((a) => a.provider === "anthropic")?.reason).toBe("timeout");
  });
});

describe("gemini → anthropic → rules (generateContent with the verdict's schema)", () => {
  const vars = { ...GEMINI, ...ANTHROPIC, AI_FALLBACK_ORDER: "gemini,anthropic,rules" };

  // The fake Anthropic fails the same way (the behaviour rides on the alert), so rules conclude.
  it.each([
    ["ok", "gemini"],
    ["fenced", "gemini"],
    ["garbage", "rules"],
    ["invalid", "rules"],
    ["badop", "rules"],
    ["error500", "rules"],
  ])("a %s answer from Gemini ends in one classify message from %s", async (behaviour, provider) => {
    const { classify, run } = harness(vars);
    const request = requestFor(behaviour);
    await run([request]);
    const incident = await expectOneClassify(classify, request.payload.incident_id, provider);
    const gemini = incident.attempts.find((a) => a.provider === "gemini");
    expect(gemini?.outcome).toBe(provider === "gemini" ? "verdict" : "failed");
    if (provider === "rules")
      expect(incident.attempts.map((a) => `${a.provider}:${a.outcome}`)).toEqual(["gemini:failed", "anthropic:failed", "rules:verdict"]);
    if (behaviour === "error500") expect(gemini?.reason).toBe("HTTP 503 UNAVAILABLE");
  });

  it("passes a hanging Gemini over as a timeout, and asks with a schema Gemini accepts and a repair turn for an unusable answer", async () => {
    const { run } = harness(vars);
    const hanging = requestFor("hang");
    await run([hanging]);
    expect((await createIncidentStore(db).get(hanging.payload.incident_id))?.attempts.find((a) => a.provider === "gemini")?.reason).toBe("timeout");

    const garbage = requestFor("garbage");
    await run([garbage]);
    const { bodies } = (await (await fetch(`${testEnv.TEST_FAKE_GEMINI_URL}/_test/requests`)).json()) as { bodies: any[] };
    const asked = bodies.filter((b) => JSON.stringify(b.contents).includes(garbage.payload.alert.alert_type));
    // The stand-in refuses any schema keyword Gemini does not accept, so two recorded requests mean both were valid.
    expect(asked).toHaveLength(2);
    expect(asked[0].generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: { type: "object" } });
    expect(asked[1].contents.at(-1).parts[0].text).toContain("That verdict was rejected");
  });
});

describe("ollama (through the relay) → anthropic → rules", () => {
  const vars = { ...RELAY, ...ANTHROPIC, AI_FALLBACK_ORDER: "ollama,anthropic,rules" };

  async function relayCallback(jobId: string) {
    let found: Array<{ headers: Record<string, string>; body: string }> = [];
    await expect
      .poll(
        async () => {
          found = (await (await fetch(`${testEnv.TEST_CALLBACK_CATCHER_URL}?job_id=${jobId}`)).json()) as typeof found;
          return found.length;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBeGreaterThan(0);
    return found[0]!;
  }

  async function replay(env: Env, callback: { headers: Record<string, string>; body: string }) {
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request("https://awoooi.test/api/v1/analyze/callback", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Awoooi-Timestamp": callback.headers["x-awoooi-timestamp"]!,
          "X-Awoooi-Signature": callback.headers["x-awoooi-signature"]!,
        },
        body: callback.body,
      }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: response.status, json: (await response.json()) as { status?: string } };
  }

  it("submits the job, takes the signed callback's verdict, and ignores the timeout and a duplicate callback", async () => {
    const { env, classify, continues, delays, run } = harness(vars);
    const request = requestFor("ok");
    await run([request]);
    expect(classify.sent).toHaveLength(0);
    const [timeout] = continues();
    expect(timeout?.payload.reason).toBe("timeout");
    expect(delays[0]).toBeGreaterThanOrEqual(5);

    const callback = await relayCallback(timeout!.payload.job_id);
    expect(await replay(env, callback)).toMatchObject({ status: 200, json: { status: "used" } });
    await expectOneClassify(classify, request.payload.incident_id, "ollama");

    expect((await replay(env, callback)).json.status).toBe("ignored");
    await run([timeout]);
    await run([request]);
    expect(classify.sent).toHaveLength(1);
  });

  it.each(["garbage", "invalid", "badop", "fenced"])("hands a %s answer over to the next provider through the queue", async (behaviour) => {
    const { env, classify, continues, run } = harness(vars);
    const request = requestFor(behaviour);
    await run([request]);
    const [timeout] = continues();
    const verdict = await replay(env, await relayCallback(timeout!.payload.job_id));
    if (behaviour === "fenced") {
      expect(RelayCallbackAnswer.parse(verdict.json).status).toBe("used");
      await expectOneClassify(classify, request.payload.incident_id, "ollama");
      return;
    }
    expect(verdict.json.status).toBe("rejected");
    const handOver = continues().find((m) => m.payload.cause.kind === "unusable_answer")!;
    expect(handOver.payload.cause).toEqual({ kind: "unusable_answer", position: 0 });
    expect(timeout!.payload.cause).toEqual({ kind: "timeout" });
    await run([handOver]);
    // The fake Anthropic fails the same way (the behaviour rides on the alert), so rules conclude.
    const incident = await expectOneClassify(classify, request.payload.incident_id, "rules");
    expect(incident.attempts.map((a) => `${a.provider}:${a.outcome}`)).toEqual(["ollama:submitted", "ollama:failed", "anthropic:failed", "rules:verdict"]);
    await run([timeout]);
    expect(classify.sent).toHaveLength(1);
  });

  it("falls back when the job times out, and ignores the late callback", async () => {
    const { env, classify, continues, run } = harness({ ...vars, AI_FALLBACK_ORDER: "ollama,rules" });
    const request = requestFor("slow");
    await run([request]);
    const [timeout] = continues();
    await run([timeout]);
    await expectOneClassify(classify, request.payload.incident_id, "rules");
    const late = await replay(env, await relayCallback(timeout!.payload.job_id));
    expect(late.json.status).toBe("ignored");
    expect(classify.sent).toHaveLength(1);
  });

  it("moves on at once when the relay is unreachable", async () => {
    const { classify, run } = harness({ ...vars, OLLAMA_RELAY_URL: "http://127.0.0.1:9" });
    const request = requestFor("ok");
    await run([request]);
    const incident = await expectOneClassify(classify, request.payload.incident_id, "anthropic");
    expect(incident.attempts[0]).toMatchObject({ provider: "ollama", outcome: "failed", reason: "relay unreachable" });
  });

  it("refuses a callback with a bad signature (401) and changes nothing", async () => {
    const { env, classify, continues, run } = harness(vars);
    const request = requestFor("ok");
    await run([request]);
    const callback = await relayCallback(continues()[0]!.payload.job_id);
    const forged = { ...callback, body: callback.body.replace("RESTART_DEPLOYMENT", "ROLLBACK_DEPLOYMENT") };
    expect((await replay(env, forged)).status).toBe(401);
    expect(classify.sent).toHaveLength(0);
  });

  it("skips a provider without configuration, says so on the incident and counts the fallback", async () => {
    const { classify, run } = harness({});
    const metric = 'awoooi_ollama_fallback_total{provider="anthropic",reason="not_configured"}';
    const before = Number((await redisForTests().hget(METRICS_KEY, metric)) ?? 0);
    const request = requestFor("ok");
    await run([request]);
    const incident = await expectOneClassify(classify, request.payload.incident_id, "rules");
    // The default order (seed 000 §4.6): ollama, gemini, anthropic, rules.
    expect(incident.attempts.slice(0, 3)).toMatchObject([
      { provider: "ollama", outcome: "skipped", reason: "not configured" },
      { provider: "gemini", outcome: "skipped", reason: "not configured" },
      { provider: "anthropic", outcome: "skipped", reason: "not configured" },
    ]);
    expect(Number(await redisForTests().hget(METRICS_KEY, metric))).toBeGreaterThan(before);
    expect(Number(await redisForTests().hget(METRICS_KEY, 'awoooi_ollama_analysis_duration_seconds_count{provider="rules"}'))).toBeGreaterThan(0);
  });
});

describe("tokens per provider turn", () => {
  it("records what Gemini and Anthropic reported on each turn, repair turns included, and counts them (Ollama: the relay's callback, test/infra)", async () => {
    const metric = (provider: string, direction: string) => `awoooi_llm_tokens_total{direction="${direction}",provider="${provider}"}`;
    const before = Number((await redisForTests().hget(METRICS_KEY, metric("gemini", "input"))) ?? 0);

    const { run } = harness({ ...GEMINI, ...ANTHROPIC, AI_FALLBACK_ORDER: "gemini,anthropic,rules" });
    const answered = requestFor("ok");
    const repaired = requestFor("garbage");
    await run([answered, repaired]);
    const store = createIncidentStore(db);
    // The stand-ins report 120/40 (Gemini) and 100/50 (Anthropic) per request; an unusable answer costs two requests.
    expect((await store.get(answered.payload.incident_id))?.attempts[0]).toMatchObject({ provider: "gemini", input_tokens: 120, output_tokens: 40 });
    expect((await store.get(repaired.payload.incident_id))?.attempts.slice(0, 2)).toMatchObject([
      { provider: "gemini", outcome: "failed", input_tokens: 240, output_tokens: 80 },
      { provider: "anthropic", outcome: "failed", input_tokens: 200, output_tokens: 100 },
    ]);
    expect(Number(await redisForTests().hget(METRICS_KEY, metric("gemini", "input")))).toBeGreaterThanOrEqual(before + 360);
  });
});
