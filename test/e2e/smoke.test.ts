// The chain smoke test against a broken chain: notify's consumer fails (its
// configuration is invalid), so synthetic runs never reach "notified". The CLI
// must exit 1, and the next cron tick must raise the out-of-band alarm
// straight at the chat API (a local server speaking Telegram's Bot API).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { FAKE_TELEGRAM_TOKEN } from "../support/fakes/chat-credentials.ts";
import { startFakeChatServices } from "../support/fakes/fake-chat-services.ts";
import { runSmokeCli } from "./support.ts";

const ALARM_CHAT = "-1009";
let stack: Stack;
let chat: Awaited<ReturnType<typeof startFakeChatServices>>;

beforeAll(async () => {
  chat = await startFakeChatServices();
  stack = await startStack({
    port: await freePort(),
    purpose: "test",
    redisDb: 8,
    // notify is misconfigured on purpose: the stack must come up anyway to show the chain breaking.
    requireReady: false,
    persistTo: mkdtempSync(join(tmpdir(), "awoooi-smoke-")),
    vars: {
      // notify refuses to start: a webhook URL without its secret.
      NOTIFY_WEBHOOK_URL: "http://127.0.0.1:9/hook",
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_BASE: chat.url,
      TELEGRAM_CHAT_ID: ALARM_CHAT,
      // The interval is longer than the deadline (as in production), so the run a tick judges is
      // still the latest one however many ticks the test makes while it waits.
      SMOKE_INTERVAL_SECONDS: "3600",
      SMOKE_DEADLINE_SECONDS: "4",
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await chat?.close();
});

describe("the chain smoke test with notify broken", () => {
  it("makes the CLI exit 1, naming the stage it stopped before", async () => {
    const { code, output } = await runSmokeCli(["--url", stack.baseUrl, "--timeout", "6"]);
    expect(code).toBe(1);
    expect(output).toMatch(/✓ classified/);
    expect(output).toMatch(/✗ notified/);
    expect(output).toContain('FAIL: stopped after "classified"; "notified" not reached');
  });

  it("raises the out-of-band alarm at the chat API on the next cron tick", async () => {
    const first = (await stack.runCrons()) as { "webhook-receive": { smoke: { action: string; runId: string } } };
    expect(first["webhook-receive"].smoke.action).toBe("started");
    const runId = first["webhook-receive"].smoke.runId;
    const alarmsFor = () => chat.requests.filter((r) => r.channel === "telegram" && r.body.chat_id === ALARM_CHAT && r.body.text.includes(runId));
    // Tick until the run's deadline has passed and a tick has judged it (it never reaches "notified").
    await expect
      .poll(
        async () => {
          await stack.runCrons();
          return alarmsFor().length;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(1);

    const alarms = chat.requests.filter((r) => r.channel === "telegram" && r.body.chat_id === ALARM_CHAT);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.status).toBe(200);
    expect(alarms[0]!.body.text).toContain("AWOOOI alert chain broken");
    expect(alarms[0]!.body.text).toContain(runId);
    expect(alarms[0]!.body.text).toContain("did not reach &quot;notified&quot;");

    // Judged once: a further tick raises nothing new for that run.
    await stack.runCrons();
    expect(alarmsFor()).toHaveLength(1);
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/awoooi_alert_chain_smoke_failures_total [1-9]/);
  });
});
