import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { loadRelayConfig } from "../../infra/ollama-relay/src/config.ts";
import { relayServices } from "../../infra/ollama-relay/src/services.ts";
import type { RelayJob } from "../../shared/contracts/analysis.ts";
import { rcaVerdictJsonSchema } from "../../shared/domain/rca-parse.ts";
import { signedHeaders, verifySignedRequest } from "../../shared/http/signatures.ts";
import { type CallbackCatcher, startCallbackCatcher } from "../support/fakes/callback-catcher.ts";
import { type FakeOllama, startFakeOllama } from "../support/fakes/fake-ollama.ts";

const SECRET = "relay-test-secret-0123456789";
let ollama: FakeOllama;
let catcher: CallbackCatcher;

beforeAll(async () => {
  ollama = await startFakeOllama({ slowMs: 1_500 });
  catcher = await startCallbackCatcher();
});
afterAll(async () => {
  await ollama?.close();
  await catcher?.close();
});

function relay(overrides: Record<string, string> = {}) {
  const config = loadRelayConfig({
    OLLAMA_URL: ollama.url,
    RELAY_HMAC_SECRET: SECRET,
    RELAY_CALLBACK_BACKOFF_MS: "10",
    OLLAMA_RETRY_BACKOFF_MS: "10",
    ...overrides,
  });
  return relayServices(config, () => {});
}

function job(behaviour: string, overrides: Partial<RelayJob> = {}): RelayJob {
  return {
    job_id: crypto.randomUUID(),
    incident_id: crypto.randomUUID(),
    system: "system prompt",
    user: `- Type: LLMTest-${behaviour}-${crypto.randomUUID()}`,
    format: rcaVerdictJsonSchema(),
    callback_url: catcher.url,
    timeout_seconds: 5,
    ...overrides,
  };
}

async function submit(
  app: ReturnType<typeof relay>["app"],
  body: RelayJob,
  mutate: (raw: string) => string = (raw) => raw,
  at = Math.floor(Date.now() / 1000),
) {
  const raw = JSON.stringify(body);
  return app.request("/v1/jobs", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(await signedHeaders(SECRET, raw, at)) },
    body: mutate(raw),
  });
}

async function callbackFor(jobId: string) {
  await expect.poll(() => catcher.received.some((r) => JSON.parse(r.body).job_id === jobId), { timeout: 10_000, interval: 25 }).toBe(true);
  const entry = catcher.received.find((r) => JSON.parse(r.body).job_id === jobId)!;
  return { ...entry, json: JSON.parse(entry.body) };
}

describe("POST /v1/jobs", () => {
  it("answers 202 at once, asks Ollama with the verdict schema, and posts a signed callback", async () => {
    const { app } = relay();
    const body = job("ok");
    const response = await submit(app, body);
    expect(response.status).toBe(202);
    const callback = await callbackFor(body.job_id);
    expect(callback.json).toMatchObject({ job_id: body.job_id, incident_id: body.incident_id, ok: true, model: "llama3.2" });
    expect(JSON.parse(callback.json.content).suggested_action.operation).toBe("RESTART_DEPLOYMENT");
    const signed = await verifySignedRequest(
      SECRET,
      callback.body,
      { timestamp: callback.headers["x-awoooi-timestamp"] as string, signature: callback.headers["x-awoooi-signature"] as string },
      Math.floor(Date.now() / 1000),
    );
    expect(signed).toBe(true);
    const chat = ollama.requests.find((r) => r.body?.messages?.[1]?.content === body.user)!;
    expect(chat.body).toMatchObject({ model: "llama3.2", stream: false, keep_alive: "10m", format: { type: "object" } });
  });

  it.each([
    ["one changed byte", (raw: string) => raw.replace("system prompt", "system prompT"), 0],
    ["a stale timestamp", (raw: string) => raw, -3_600],
  ])("refuses a job with %s (401)", async (_case, mutate, skew) => {
    const { app } = relay();
    const response = await submit(app, job("ok"), mutate, Math.floor(Date.now() / 1000) + skew);
    expect(response.status).toBe(401);
  });

  it("refuses an unsigned job and a malformed one", async () => {
    const { app } = relay();
    expect((await app.request("/v1/jobs", { method: "POST", body: JSON.stringify(job("ok")) })).status).toBe(401);
    const raw = JSON.stringify({ job_id: "nope" });
    const bad = await app.request("/v1/jobs", { method: "POST", headers: await signedHeaders(SECRET, raw, Math.floor(Date.now() / 1000)), body: raw });
    expect(bad.status).toBe(400);
  });

  it("accepts a signed job once: a replay of the same signed request is refused (409) and runs nothing", async () => {
    const { app } = relay();
    const body = job("ok");
    const raw = JSON.stringify(body);
    const headers = { "Content-Type": "application/json", ...(await signedHeaders(SECRET, raw, Math.floor(Date.now() / 1000))) };
    expect((await app.request("/v1/jobs", { method: "POST", headers, body: raw })).status).toBe(202);
    const replay = await app.request("/v1/jobs", { method: "POST", headers, body: raw });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: "conflict" } });
    await callbackFor(body.job_id);
    expect(ollama.requests.filter((r) => r.body?.messages?.[1]?.content === body.user)).toHaveLength(1);
  });

  it("refuses a body over the cap with 413 from its Content-Length, before reading it", async () => {
    const { app } = relay();
    const response = await app.request("/v1/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": String(600 * 1024) },
      body: "{}",
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers 503 at once when every slot and waiting place is taken", async () => {
    const { app, runner } = relay({ RELAY_CONCURRENCY: "1", RELAY_QUEUE_LIMIT: "1" });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await submit(app, job("slow"))).status);
    expect(statuses).toEqual([202, 202, 503]);
    expect(runner.stats()).toMatchObject({ running: 1, waiting: 1 });
    await runner.drain(10_000);
  });
});

describe("job outcomes", () => {
  it("retries the callback with backoff until the receiver answers", async () => {
    const { app } = relay();
    const before = catcher.attempts();
    catcher.failNext(2);
    const body = job("ok");
    await submit(app, body);
    await callbackFor(body.job_id);
    expect(catcher.attempts() - before).toBe(3);
  });

  it("gives a non-JSON answer one repair turn", async () => {
    const { app } = relay();
    const body = job("garbage");
    await submit(app, body);
    await callbackFor(body.job_id);
    const chats = ollama.requests.filter((r) => r.body?.messages?.[1]?.content === body.user);
    expect(chats).toHaveLength(2);
    expect(chats[1]!.body.messages.at(-1).content).toContain("not valid JSON");
  });

  it("reports the tokens Ollama counted (prompt_eval_count, eval_count) over every turn of the job", async () => {
    const { app } = relay();
    const answered = job("ok");
    const repaired = job("garbage");
    await submit(app, answered);
    await submit(app, repaired);
    expect((await callbackFor(answered.job_id)).json).toMatchObject({ ok: true, input_tokens: 200, output_tokens: 10 });
    expect((await callbackFor(repaired.job_id)).json).toMatchObject({ ok: true, input_tokens: 400, output_tokens: 20 });
  });

  it("reports Ollama's 500 as a failed job", async () => {
    const { app } = relay();
    const body = job("error500");
    await submit(app, body);
    expect((await callbackFor(body.job_id)).json).toMatchObject({ ok: false, error: expect.stringContaining("model runner crashed") });
  });

  it("retries Ollama's transient 503s (OLLAMA_MAX_RETRIES, default 2) and delivers the verdict of the third try", async () => {
    const { app } = relay();
    const body = job("flaky");
    await submit(app, body);
    expect((await callbackFor(body.job_id)).json).toMatchObject({ ok: true });
    expect(ollama.requests.filter((r) => r.body?.messages?.[1]?.content === body.user)).toHaveLength(3);
  });

  it("gives up after OLLAMA_MAX_RETRIES and reports the failure; Ollama's 500 is tried 1 + 2 times", async () => {
    const { app } = relay({ OLLAMA_MAX_RETRIES: "1" });
    const flaky = job("flaky");
    await submit(app, flaky);
    expect((await callbackFor(flaky.job_id)).json).toMatchObject({ ok: false, error: expect.stringContaining("server busy") });
    expect(ollama.requests.filter((r) => r.body?.messages?.[1]?.content === flaky.user)).toHaveLength(2);

    const { app: defaults } = relay();
    const crashed = job("error500");
    await submit(defaults, crashed);
    await callbackFor(crashed.job_id);
    expect(ollama.requests.filter((r) => r.body?.messages?.[1]?.content === crashed.user)).toHaveLength(3);
  });

  it("reports a hanging model as timed out after the job's timeout", async () => {
    const { app } = relay();
    const body = job("hang", { timeout_seconds: 1 });
    await submit(app, body);
    expect((await callbackFor(body.job_id)).json).toMatchObject({ ok: false, error: "timed out after 1s" });
  });
});

describe("GET /health", () => {
  it("reports Ollama reachable, the model present and the slots (to a signed caller)", async () => {
    const { app } = relay();
    const response = await app.request("/health", { headers: await signedHeaders(SECRET, "", Math.floor(Date.now() / 1000)) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, ollama: { reachable: true, default_model_present: true }, slots: { running: 0, capacity: 1 } });
  });

  it("shows no Ollama URL or model list to an unsigned caller; a caller signed with the relay's HMAC sees them", async () => {
    const { app } = relay();
    const unsigned = (await (await app.request("/health")).json()) as Record<string, unknown>;
    expect(unsigned).toEqual({ ok: true, slots: expect.any(Object) });
    expect(JSON.stringify(unsigned)).not.toContain(ollama.url);
    const forged = await app.request("/health", { headers: await signedHeaders("another-secret-0123456789", "", Math.floor(Date.now() / 1000)) });
    expect(JSON.stringify(await forged.json())).not.toContain("llama3.2");
    const signed = await app.request("/health", { headers: await signedHeaders(SECRET, "", Math.floor(Date.now() / 1000)) });
    expect(await signed.json()).toMatchObject({ ok: true, ollama: { url: ollama.url, reachable: true, default_model_present: true } });
  });

  it("is unhealthy when the model is missing or Ollama is down", async () => {
    expect((await relay({ OLLAMA_MODEL: "mistral" }).app.request("/health")).status).toBe(503);
    expect((await relay({ OLLAMA_URL: "http://127.0.0.1:9" }).app.request("/health")).status).toBe(503);
  });
});

describe("the one-file bundle", () => {
  it("builds and serves /health with no node_modules beside it", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, copyFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    execFileSync(process.execPath, [join(import.meta.dirname, "../../scripts/build-service.ts"), "relay"], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: "ignore",
    });
    const dir = mkdtempSync(join(tmpdir(), "relay-bundle-"));
    copyFileSync(join(import.meta.dirname, "../../infra/ollama-relay/dist/relay.mjs"), join(dir, "relay.mjs"));
    const port = await freePort();
    const child = spawn(process.execPath, [join(dir, "relay.mjs")], {
      cwd: dir,
      env: { PATH: process.env.PATH, OLLAMA_URL: ollama.url, RELAY_HMAC_SECRET: SECRET, PORT: String(port), HOST: "127.0.0.1" },
      stdio: "ignore",
    });
    try {
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status, { timeout: 15_000, interval: 100 })
        .toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  }, 30_000);
});

describe("graceful shutdown", () => {
  it("on SIGTERM stops accepting jobs and finishes the in-flight one before exiting", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(import.meta.dirname, "../../infra/ollama-relay/src/main.ts")], {
      env: { ...process.env, OLLAMA_URL: ollama.url, RELAY_HMAC_SECRET: SECRET, PORT: String(port), HOST: "127.0.0.1", RELAY_DRAIN_SECONDS: "20" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${base}/health`).catch(() => undefined))?.status, { timeout: 15_000, interval: 100 }).toBe(200);

    const inFlight = job("slow");
    const raw = JSON.stringify(inFlight);
    const accepted = await fetch(`${base}/v1/jobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(await signedHeaders(SECRET, raw, Math.floor(Date.now() / 1000))) },
      body: raw,
    });
    expect(accepted.status).toBe(202);

    let logged = "";
    child.stdout!.on("data", (chunk) => (logged += chunk));
    child.kill("SIGTERM");
    // The relay logs "draining" once it has stopped taking jobs.
    await expect.poll(() => logged.includes('"event":"draining"'), { timeout: 15_000, interval: 25 }).toBe(true);
    const late = job("ok");
    const lateRaw = JSON.stringify(late);
    const refused = await fetch(`${base}/v1/jobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(await signedHeaders(SECRET, lateRaw, Math.floor(Date.now() / 1000))) },
      body: lateRaw,
    }).catch(() => undefined);
    expect(refused?.status ?? 503).toBe(503);

    expect(await exited).toBe(0);
    expect((await callbackFor(inFlight.job_id)).json.ok).toBe(true);
  }, 30_000);
});
